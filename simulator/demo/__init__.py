"""The demo: a real Home Assistant with the integration from the working tree, fed by the simulators in real time.

`python -m simulator.demo` (what `scripts/develop` runs) prepares a configuration directory, starts `hass`,
onboards a demo user, adds the tracker and its services through the same config flows a user goes through, and
plays a few requests through their lifecycle. `simulator.demo.screenshot` does the same and photographs the result
in headless Chromium.
"""
