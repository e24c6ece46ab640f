var I=globalThis,D=I.ShadowRoot&&(I.ShadyCSS===void 0||I.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,K=Symbol(),de=new WeakMap,E=class{constructor(e,t,s){if(this._$cssResult$=!0,s!==K)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=e,this.t=t}get styleSheet(){let e=this.o,t=this.t;if(D&&e===void 0){let s=t!==void 0&&t.length===1;s&&(e=de.get(t)),e===void 0&&((this.o=e=new CSSStyleSheet).replaceSync(this.cssText),s&&de.set(t,e))}return e}toString(){return this.cssText}},ce=r=>new E(typeof r=="string"?r:r+"",void 0,K),V=(r,...e)=>{let t=r.length===1?r[0]:e.reduce((s,i,o)=>s+(n=>{if(n._$cssResult$===!0)return n.cssText;if(typeof n=="number")return n;throw Error("Value passed to 'css' function must be a 'css' function result: "+n+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[o+1],r[0]);return new E(t,r,K)},he=(r,e)=>{if(D)r.adoptedStyleSheets=e.map(t=>t instanceof CSSStyleSheet?t:t.styleSheet);else for(let t of e){let s=document.createElement("style"),i=I.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=t.cssText,r.appendChild(s)}},W=D?r=>r:r=>r instanceof CSSStyleSheet?(e=>{let t="";for(let s of e.cssRules)t+=s.cssText;return ce(t)})(r):r;var{is:Ue,defineProperty:Ie,getOwnPropertyDescriptor:De,getOwnPropertyNames:qe,getOwnPropertySymbols:je,getPrototypeOf:ze}=Object,q=globalThis,pe=q.trustedTypes,Be=pe?pe.emptyScript:"",Fe=q.reactiveElementPolyfillSupport,k=(r,e)=>r,G={toAttribute(r,e){switch(e){case Boolean:r=r?Be:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,e){let t=r;switch(e){case Boolean:t=r!==null;break;case Number:t=r===null?null:Number(r);break;case Object:case Array:try{t=JSON.parse(r)}catch{t=null}}return t}},me=(r,e)=>!Ue(r,e),ue={attribute:!0,type:String,converter:G,reflect:!1,useDefault:!1,hasChanged:me};Symbol.metadata??=Symbol("metadata"),q.litPropertyMetadata??=new WeakMap;var f=class extends HTMLElement{static addInitializer(e){this._$Ei(),(this.l??=[]).push(e)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(e,t=ue){if(t.state&&(t.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(e)&&((t=Object.create(t)).wrapped=!0),this.elementProperties.set(e,t),!t.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(e,s,t);i!==void 0&&Ie(this.prototype,e,i)}}static getPropertyDescriptor(e,t,s){let{get:i,set:o}=De(this.prototype,e)??{get(){return this[t]},set(n){this[t]=n}};return{get:i,set(n){let c=i?.call(this);o?.call(this,n),this.requestUpdate(e,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(e){return this.elementProperties.get(e)??ue}static _$Ei(){if(this.hasOwnProperty(k("elementProperties")))return;let e=ze(this);e.finalize(),e.l!==void 0&&(this.l=[...e.l]),this.elementProperties=new Map(e.elementProperties)}static finalize(){if(this.hasOwnProperty(k("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(k("properties"))){let t=this.properties,s=[...qe(t),...je(t)];for(let i of s)this.createProperty(i,t[i])}let e=this[Symbol.metadata];if(e!==null){let t=litPropertyMetadata.get(e);if(t!==void 0)for(let[s,i]of t)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[t,s]of this.elementProperties){let i=this._$Eu(t,s);i!==void 0&&this._$Eh.set(i,t)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(e){let t=[];if(Array.isArray(e)){let s=new Set(e.flat(1/0).reverse());for(let i of s)t.unshift(W(i))}else e!==void 0&&t.push(W(e));return t}static _$Eu(e,t){let s=t.attribute;return s===!1?void 0:typeof s=="string"?s:typeof e=="string"?e.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(e=>this.enableUpdating=e),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(e=>e(this))}addController(e){(this._$EO??=new Set).add(e),this.renderRoot!==void 0&&this.isConnected&&e.hostConnected?.()}removeController(e){this._$EO?.delete(e)}_$E_(){let e=new Map,t=this.constructor.elementProperties;for(let s of t.keys())this.hasOwnProperty(s)&&(e.set(s,this[s]),delete this[s]);e.size>0&&(this._$Ep=e)}createRenderRoot(){let e=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return he(e,this.constructor.elementStyles),e}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(e=>e.hostConnected?.())}enableUpdating(e){}disconnectedCallback(){this._$EO?.forEach(e=>e.hostDisconnected?.())}attributeChangedCallback(e,t,s){this._$AK(e,s)}_$ET(e,t){let s=this.constructor.elementProperties.get(e),i=this.constructor._$Eu(e,s);if(i!==void 0&&s.reflect===!0){let o=(s.converter?.toAttribute!==void 0?s.converter:G).toAttribute(t,s.type);this._$Em=e,o==null?this.removeAttribute(i):this.setAttribute(i,o),this._$Em=null}}_$AK(e,t){let s=this.constructor,i=s._$Eh.get(e);if(i!==void 0&&this._$Em!==i){let o=s.getPropertyOptions(i),n=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:G;this._$Em=i;let c=n.fromAttribute(t,o.type);this[i]=c??this._$Ej?.get(i)??c,this._$Em=null}}requestUpdate(e,t,s,i=!1,o){if(e!==void 0){let n=this.constructor;if(i===!1&&(o=this[e]),s??=n.getPropertyOptions(e),!((s.hasChanged??me)(o,t)||s.useDefault&&s.reflect&&o===this._$Ej?.get(e)&&!this.hasAttribute(n._$Eu(e,s))))return;this.C(e,t,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(e,t,{useDefault:s,reflect:i,wrapped:o},n){s&&!(this._$Ej??=new Map).has(e)&&(this._$Ej.set(e,n??t??this[e]),o!==!0||n!==void 0)||(this._$AL.has(e)||(this.hasUpdated||s||(t=void 0),this._$AL.set(e,t)),i===!0&&this._$Em!==e&&(this._$Eq??=new Set).add(e))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(t){Promise.reject(t)}let e=this.scheduleUpdate();return e!=null&&await e,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,o]of this._$Ep)this[i]=o;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,o]of s){let{wrapped:n}=o,c=this[i];n!==!0||this._$AL.has(i)||c===void 0||this.C(i,void 0,o,c)}}let e=!1,t=this._$AL;try{e=this.shouldUpdate(t),e?(this.willUpdate(t),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(t)):this._$EM()}catch(s){throw e=!1,this._$EM(),s}e&&this._$AE(t)}willUpdate(e){}_$AE(e){this._$EO?.forEach(t=>t.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(e)),this.updated(e)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(e){return!0}update(e){this._$Eq&&=this._$Eq.forEach(t=>this._$ET(t,this[t])),this._$EM()}updated(e){}firstUpdated(e){}};f.elementStyles=[],f.shadowRootOptions={mode:"open"},f[k("elementProperties")]=new Map,f[k("finalized")]=new Map,Fe?.({ReactiveElement:f}),(q.reactiveElementVersions??=[]).push("2.1.2");var te=globalThis,ge=r=>r,j=te.trustedTypes,fe=j?j.createPolicy("lit-html",{createHTML:r=>r}):void 0,xe="$lit$",v=`lit$${Math.random().toFixed(9).slice(2)}$`,Ae="?"+v,Ke=`<${Ae}>`,y=document,R=()=>y.createComment(""),T=r=>r===null||typeof r!="object"&&typeof r!="function",se=Array.isArray,Ve=r=>se(r)||typeof r?.[Symbol.iterator]=="function",J=`[ 	
\f\r]`,C=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,_e=/-->/g,ve=/>/g,$=RegExp(`>|${J}(?:([^\\s"'>=/]+)(${J}*=${J}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),$e=/'/g,be=/"/g,we=/^(?:script|style|textarea|title)$/i,ie=r=>(e,...t)=>({_$litType$:r,strings:e,values:t}),d=ie(1),ct=ie(2),ht=ie(3),x=Symbol.for("lit-noChange"),l=Symbol.for("lit-nothing"),ye=new WeakMap,b=y.createTreeWalker(y,129);function Se(r,e){if(!se(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return fe!==void 0?fe.createHTML(e):e}var We=(r,e)=>{let t=r.length-1,s=[],i,o=e===2?"<svg>":e===3?"<math>":"",n=C;for(let c=0;c<t;c++){let a=r[c],p,u,h=-1,g=0;for(;g<a.length&&(n.lastIndex=g,u=n.exec(a),u!==null);)g=n.lastIndex,n===C?u[1]==="!--"?n=_e:u[1]!==void 0?n=ve:u[2]!==void 0?(we.test(u[2])&&(i=RegExp("</"+u[2],"g")),n=$):u[3]!==void 0&&(n=$):n===$?u[0]===">"?(n=i??C,h=-1):u[1]===void 0?h=-2:(h=n.lastIndex-u[2].length,p=u[1],n=u[3]===void 0?$:u[3]==='"'?be:$e):n===be||n===$e?n=$:n===_e||n===ve?n=C:(n=$,i=void 0);let _=n===$&&r[c+1].startsWith("/>")?" ":"";o+=n===C?a+Ke:h>=0?(s.push(p),a.slice(0,h)+xe+a.slice(h)+v+_):a+v+(h===-2?c:_)}return[Se(r,o+(r[t]||"<?>")+(e===2?"</svg>":e===3?"</math>":"")),s]},P=class r{constructor({strings:e,_$litType$:t},s){let i;this.parts=[];let o=0,n=0,c=e.length-1,a=this.parts,[p,u]=We(e,t);if(this.el=r.createElement(p,s),b.currentNode=this.el.content,t===2||t===3){let h=this.el.content.firstChild;h.replaceWith(...h.childNodes)}for(;(i=b.nextNode())!==null&&a.length<c;){if(i.nodeType===1){if(i.hasAttributes())for(let h of i.getAttributeNames())if(h.endsWith(xe)){let g=u[n++],_=i.getAttribute(h).split(v),U=/([.?@])?(.*)/.exec(g);a.push({type:1,index:o,name:U[2],strings:_,ctor:U[1]==="."?Y:U[1]==="?"?Q:U[1]==="@"?X:S}),i.removeAttribute(h)}else h.startsWith(v)&&(a.push({type:6,index:o}),i.removeAttribute(h));if(we.test(i.tagName)){let h=i.textContent.split(v),g=h.length-1;if(g>0){i.textContent=j?j.emptyScript:"";for(let _=0;_<g;_++)i.append(h[_],R()),b.nextNode(),a.push({type:2,index:++o});i.append(h[g],R())}}}else if(i.nodeType===8)if(i.data===Ae)a.push({type:2,index:o});else{let h=-1;for(;(h=i.data.indexOf(v,h+1))!==-1;)a.push({type:7,index:o}),h+=v.length-1}o++}}static createElement(e,t){let s=y.createElement("template");return s.innerHTML=e,s}};function w(r,e,t=r,s){if(e===x)return e;let i=s!==void 0?t._$Co?.[s]:t._$Cl,o=T(e)?void 0:e._$litDirective$;return i?.constructor!==o&&(i?._$AO?.(!1),o===void 0?i=void 0:(i=new o(r),i._$AT(r,t,s)),s!==void 0?(t._$Co??=[])[s]=i:t._$Cl=i),i!==void 0&&(e=w(r,i._$AS(r,e.values),i,s)),e}var Z=class{constructor(e,t){this._$AV=[],this._$AN=void 0,this._$AD=e,this._$AM=t}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(e){let{el:{content:t},parts:s}=this._$AD,i=(e?.creationScope??y).importNode(t,!0);b.currentNode=i;let o=b.nextNode(),n=0,c=0,a=s[0];for(;a!==void 0;){if(n===a.index){let p;a.type===2?p=new M(o,o.nextSibling,this,e):a.type===1?p=new a.ctor(o,a.name,a.strings,this,e):a.type===6&&(p=new ee(o,this,e)),this._$AV.push(p),a=s[++c]}n!==a?.index&&(o=b.nextNode(),n++)}return b.currentNode=y,i}p(e){let t=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(e,s,t),t+=s.strings.length-2):s._$AI(e[t])),t++}},M=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(e,t,s,i){this.type=2,this._$AH=l,this._$AN=void 0,this._$AA=e,this._$AB=t,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let e=this._$AA.parentNode,t=this._$AM;return t!==void 0&&e?.nodeType===11&&(e=t.parentNode),e}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(e,t=this){e=w(this,e,t),T(e)?e===l||e==null||e===""?(this._$AH!==l&&this._$AR(),this._$AH=l):e!==this._$AH&&e!==x&&this._(e):e._$litType$!==void 0?this.$(e):e.nodeType!==void 0?this.T(e):Ve(e)?this.k(e):this._(e)}O(e){return this._$AA.parentNode.insertBefore(e,this._$AB)}T(e){this._$AH!==e&&(this._$AR(),this._$AH=this.O(e))}_(e){this._$AH!==l&&T(this._$AH)?this._$AA.nextSibling.data=e:this.T(y.createTextNode(e)),this._$AH=e}$(e){let{values:t,_$litType$:s}=e,i=typeof s=="number"?this._$AC(e):(s.el===void 0&&(s.el=P.createElement(Se(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(t);else{let o=new Z(i,this),n=o.u(this.options);o.p(t),this.T(n),this._$AH=o}}_$AC(e){let t=ye.get(e.strings);return t===void 0&&ye.set(e.strings,t=new P(e)),t}k(e){se(this._$AH)||(this._$AH=[],this._$AR());let t=this._$AH,s,i=0;for(let o of e)i===t.length?t.push(s=new r(this.O(R()),this.O(R()),this,this.options)):s=t[i],s._$AI(o),i++;i<t.length&&(this._$AR(s&&s._$AB.nextSibling,i),t.length=i)}_$AR(e=this._$AA.nextSibling,t){for(this._$AP?.(!1,!0,t);e!==this._$AB;){let s=ge(e).nextSibling;ge(e).remove(),e=s}}setConnected(e){this._$AM===void 0&&(this._$Cv=e,this._$AP?.(e))}},S=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(e,t,s,i,o){this.type=1,this._$AH=l,this._$AN=void 0,this.element=e,this.name=t,this._$AM=i,this.options=o,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=l}_$AI(e,t=this,s,i){let o=this.strings,n=!1;if(o===void 0)e=w(this,e,t,0),n=!T(e)||e!==this._$AH&&e!==x,n&&(this._$AH=e);else{let c=e,a,p;for(e=o[0],a=0;a<o.length-1;a++)p=w(this,c[s+a],t,a),p===x&&(p=this._$AH[a]),n||=!T(p)||p!==this._$AH[a],p===l?e=l:e!==l&&(e+=(p??"")+o[a+1]),this._$AH[a]=p}n&&!i&&this.j(e)}j(e){e===l?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,e??"")}},Y=class extends S{constructor(){super(...arguments),this.type=3}j(e){this.element[this.name]=e===l?void 0:e}},Q=class extends S{constructor(){super(...arguments),this.type=4}j(e){this.element.toggleAttribute(this.name,!!e&&e!==l)}},X=class extends S{constructor(e,t,s,i,o){super(e,t,s,i,o),this.type=5}_$AI(e,t=this){if((e=w(this,e,t,0)??l)===x)return;let s=this._$AH,i=e===l&&s!==l||e.capture!==s.capture||e.once!==s.once||e.passive!==s.passive,o=e!==l&&(s===l||i);i&&this.element.removeEventListener(this.name,this,s),o&&this.element.addEventListener(this.name,this,e),this._$AH=e}handleEvent(e){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,e):this._$AH.handleEvent(e)}},ee=class{constructor(e,t,s){this.element=e,this.type=6,this._$AN=void 0,this._$AM=t,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(e){w(this,e)}};var Ge=te.litHtmlPolyfillSupport;Ge?.(P,M),(te.litHtmlVersions??=[]).push("3.3.3");var Ee=(r,e,t)=>{let s=t?.renderBefore??e,i=s._$litPart$;if(i===void 0){let o=t?.renderBefore??null;s._$litPart$=i=new M(e.insertBefore(R(),o),o,void 0,t??{})}return i._$AI(r),i};var re=globalThis,m=class extends f{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let e=super.createRenderRoot();return this.renderOptions.renderBefore??=e.firstChild,e}update(e){let t=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(e),this._$Do=Ee(t,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return x}};m._$litElement$=!0,m.finalized=!0,re.litElementHydrateSupport?.({LitElement:m});var Je=re.litElementPolyfillSupport;Je?.({LitElement:m});(re.litElementVersions??=[]).push("4.2.2");var oe={"card.name":"Media requests","card.description":"Media requests from Seerr to Jellyfin: stage, download progress, timeline and actions.","card.empty":"No requests to show.","card.no_tracker":"No Media Request Tracker requests found. Is the integration set up?","filter.active":"Active","filter.all":"All","filter.stalled":"Stalled","stage.requested":"Requested","stage.approved":"Approved","stage.searching":"Searching","stage.grabbing":"Grabbing","stage.downloading":"Downloading","stage.downloaded":"Downloaded","stage.importing":"Importing","stage.anime_matching":"Anime matching","stage.available":"Available","stage.failed":"Failed","stage.declined":"Declined","stage.match_failed":"Match failed","stage.deleted":"Deleted","request.by":"by {name}","request.eta":"{time} left","request.episodes":"{done} of {total} episodes available","request.stalled":"Stalled","request.inferred":"inferred","request.timeline":"Timeline","request.no_timeline":"Nothing recorded yet.","action.refresh":"Refresh","action.search_again":"Search again","action.approve":"Approve","action.decline":"Decline","action.mark_available":"Mark available","action.remove":"Remove","action.confirm_remove":"Click again to remove","action.done":"Done","action.failed":"Failed: {message}","editor.title":"Title","editor.filter":"Show","editor.max_items":"At most this many requests","editor.show_posters":"Show posters"},Ze={"card.name":"Medienanfragen","card.empty":"Keine Anfragen.","filter.active":"Aktiv","filter.all":"Alle","filter.stalled":"Hängt","stage.requested":"Angefragt","stage.approved":"Genehmigt","stage.searching":"Suche","stage.grabbing":"Übergabe","stage.downloading":"Lädt herunter","stage.downloaded":"Heruntergeladen","stage.importing":"Import","stage.anime_matching":"Anime-Abgleich","stage.available":"Verfügbar","stage.failed":"Fehlgeschlagen","stage.declined":"Abgelehnt","stage.match_failed":"Abgleich fehlgeschlagen","stage.deleted":"Gelöscht","request.by":"von {name}","request.eta":"noch {time}","request.episodes":"{done} von {total} Folgen verfügbar","request.stalled":"Hängt","request.inferred":"erschlossen","request.timeline":"Verlauf","action.refresh":"Aktualisieren","action.search_again":"Erneut suchen","action.approve":"Genehmigen","action.decline":"Ablehnen","action.mark_available":"Als verfügbar markieren","action.remove":"Entfernen","action.confirm_remove":"Zum Entfernen erneut klicken","editor.title":"Titel","editor.filter":"Anzeigen","editor.max_items":"Höchstens so viele Anfragen","editor.show_posters":"Poster zeigen"},ke={en:oe,de:Ze};function H(r){let e=ke[r??"en"]??ke[(r??"en").split("-")[0]]??oe;return(t,s={})=>(e[t]??oe[t]).replace(/\{(\w+)\}/g,(i,o)=>String(s[o]??""))}function Ye(r){return[{name:"title",selector:{text:{}}},{name:"filter",selector:{select:{mode:"dropdown",options:["active","all","stalled"].map(e=>({value:e,label:r(`filter.${e}`)}))}}},{name:"max_items",selector:{number:{min:1,max:50,mode:"box"}}},{name:"show_posters",selector:{boolean:{}}}]}var Qe={title:"editor.title",filter:"editor.filter",max_items:"editor.max_items",show_posters:"editor.show_posters"},z=class extends m{setConfig(e){this._config=e}render(){if(!this._config)return l;let e=H(this.hass?.locale?.language??this.hass?.language),t={filter:"active",max_items:10,show_posters:!0,...this._config};return d`<ha-form
      .hass=${this.hass}
      .data=${t}
      .schema=${Ye(e)}
      .computeLabel=${s=>e(Qe[s.name])}
      @value-changed=${this._changed}
    ></ha-form>`}_changed(e){e.stopPropagation();let t={...e.detail.value};t.title||delete t.title,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:t},bubbles:!0,composed:!0}))}};z.properties={hass:{attribute:!1},_config:{state:!0}};customElements.get("media-request-tracker-card-editor")||customElements.define("media-request-tracker-card-editor",z);var Ce=["B","kB","MB","GB","TB"];function Re(r,e){let t=r,s=0;for(;t>=1e3&&s<Ce.length-1;)t/=1e3,s+=1;let i=t<10&&s>0?1:0;return`${t.toLocaleString(e,{maximumFractionDigits:i})} ${Ce[s]}/s`}function Te(r){let e=Math.max(0,Math.round(r)),t=Math.floor(e/86400),s=Math.floor(e%86400/3600),i=Math.floor(e%3600/60);return t>0?`${t} d ${s} h`:s>0?`${s} h ${i} min`:i>0?`${i} min`:`${e} s`}function Pe(r,e){let t=new Date(r);return Number.isNaN(t.getTime())?r:t.toLocaleString(e,{day:"numeric",month:"short",hour:"2-digit",minute:"2-digit"})}var B="media_request_tracker",Xe=new Set(["available","declined","deleted"]),ne=new Set(["failed","declined","match_failed","deleted"]),Me=["requested","approved","searching","grabbing","downloading","downloaded","importing"];function He(r){return r?[...Me,"anime_matching","available"]:[...Me,"available"]}function et(r){let e=r.attributes;return"timeline"in e&&"media_type"in e&&"requested_by"in e}function ae(r){return(r.entities?Object.entries(r.entities).filter(([t,s])=>s.platform===B&&t.startsWith("sensor.")).map(([t])=>t):Object.keys(r.states).filter(t=>t.startsWith("sensor."))).filter(t=>r.states[t]&&et(r.states[t]))}function N(r){return typeof r=="number"&&Number.isFinite(r)?r:null}function O(r){return typeof r=="string"&&r!==""?r:null}function tt(r){return Array.isArray(r)?r.filter(e=>typeof e=="object"&&e!==null).map(e=>({stage:String(e.stage??""),at:String(e.at??""),source:String(e.source??""),detail:String(e.detail??""),inferred:e.inferred===!0})):[]}function st(r){let e=r.attributes,t=tt(e.timeline),s=typeof e.episodes=="object"&&e.episodes!==null?e.episodes:{};return{entityId:r.entity_id,stage:r.state,title:O(e.title)??r.entity_id,year:N(e.year),mediaType:O(e.media_type)??"movie",requestedBy:O(e.requested_by),anime:e.anime===!0,poster:O(e.poster),progress:N(e.progress),downloadSpeed:N(e.download_speed),eta:N(e.eta),episodesTotal:N(e.episodes_total)??0,episodes:s,stalled:e.stalled===!0,stalledReason:O(e.stalled_reason),timeline:t,since:t[0]?.at??r.last_changed,state:r}}function Ne(r,e,t){return ae(r).map(s=>st(r.states[s])).filter(s=>e==="stalled"?s.stalled:e==="active"?!Xe.has(s.stage):!0).sort((s,i)=>Date.parse(i.since)-Date.parse(s.since)||s.title.localeCompare(i.title)).slice(0,Math.max(1,t))}function Oe(r,e){let t=e.indexOf(r.stage);if(t>=0)return t;for(let s=r.timeline.length-1;s>=0;s-=1){let i=e.indexOf(r.timeline[s].stage);if(i>=0)return i}return 0}var Le=V`
  :host {
    display: block;
  }
  .filters {
    display: flex;
    gap: 8px;
    padding: 0 16px 8px;
    flex-wrap: wrap;
  }
  .filters button {
    font: inherit;
    font-size: 0.85em;
    border: 1px solid var(--divider-color, #e0e0e0);
    border-radius: 16px;
    padding: 4px 12px;
    background: none;
    color: var(--primary-text-color);
    cursor: pointer;
  }
  .filters button[aria-pressed="true"] {
    background: var(--primary-color, #03a9f4);
    border-color: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0 0 8px;
  }
  li + li {
    border-top: 1px solid var(--divider-color, #e0e0e0);
  }
  .request {
    display: flex;
    gap: 12px;
    padding: 12px 16px;
    cursor: pointer;
    outline: none;
  }
  .request:focus-visible {
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .poster {
    flex: 0 0 auto;
    width: 56px;
    height: 84px;
    border-radius: 6px;
    object-fit: cover;
    background: var(--secondary-background-color, #eee);
    display: flex;
    align-items: center;
    justify-content: center;
    color: var(--secondary-text-color);
    overflow: hidden;
    --mdc-icon-size: 28px;
  }
  .body {
    flex: 1 1 auto;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 4px;
  }
  .headline {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 8px;
  }
  .title {
    flex: 0 1 auto;
    min-width: 6em;
    font-weight: 500;
    color: var(--primary-text-color);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .year,
  .by,
  .meta {
    color: var(--secondary-text-color);
    font-size: 0.875em;
  }
  .stage {
    margin-left: auto;
    flex: 0 0 auto;
    font-size: 0.8em;
    font-weight: 500;
    padding: 2px 8px;
    border-radius: 10px;
    background: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  .stage.available {
    background: var(--success-color, #43a047);
  }
  .stage.problem {
    background: var(--error-color, #db4437);
  }
  .stage.stalled {
    background: var(--warning-color, #ffa600);
  }
  .pipeline {
    display: flex;
    align-items: center;
    margin: 4px 0;
  }
  .step {
    flex: 0 0 auto;
    width: 10px;
    height: 10px;
    border-radius: 50%;
    border: 2px solid var(--divider-color, #bdbdbd);
    box-sizing: border-box;
    background: var(--card-background-color, #fff);
  }
  .link {
    flex: 1 1 auto;
    height: 2px;
    background: var(--divider-color, #bdbdbd);
  }
  .step.done,
  .link.done {
    background: var(--primary-color, #03a9f4);
    border-color: var(--primary-color, #03a9f4);
  }
  .step.current {
    width: 16px;
    height: 16px;
    border: 3px solid var(--primary-color, #03a9f4);
    box-shadow: 0 0 0 3px rgba(var(--rgb-primary-color, 3, 169, 244), 0.25);
  }
  .step.current.stalled {
    border-color: var(--warning-color, #ffa600);
  }
  .step.current.problem {
    border-color: var(--error-color, #db4437);
    background: var(--error-color, #db4437);
  }
  .step.current.last {
    background: var(--success-color, #43a047);
    border-color: var(--success-color, #43a047);
  }
  .bar {
    height: 6px;
    border-radius: 3px;
    background: var(--secondary-background-color, #e0e0e0);
    overflow: hidden;
  }
  .bar > div {
    height: 100%;
    background: var(--primary-color, #03a9f4);
    transition: width 0.6s ease;
  }
  .download {
    display: flex;
    justify-content: space-between;
    gap: 8px;
    flex-wrap: wrap;
  }
  .stalled-reason {
    font-size: 0.875em;
    padding: 6px 8px;
    border-radius: 6px;
    border-left: 4px solid var(--warning-color, #ffa600);
    background: rgba(var(--rgb-warning-color, 255, 166, 0), 0.15);
    color: var(--primary-text-color);
  }
  .details {
    padding: 0 16px 12px;
  }
  .details h3 {
    font-size: 0.9em;
    font-weight: 500;
    margin: 4px 0 8px;
    color: var(--secondary-text-color);
  }
  .timeline {
    list-style: none;
    margin: 0 0 12px;
    padding: 0 0 0 12px;
    border-left: 2px solid var(--divider-color, #e0e0e0);
  }
  .timeline li {
    border: none;
    padding: 2px 0 6px;
    font-size: 0.875em;
    color: var(--primary-text-color);
  }
  .timeline li.inferred {
    color: var(--secondary-text-color);
    font-style: italic;
  }
  .timeline .when {
    color: var(--secondary-text-color);
    margin-right: 6px;
  }
  .timeline .tag {
    font-size: 0.8em;
    border: 1px dashed var(--secondary-text-color);
    border-radius: 8px;
    padding: 0 6px;
    margin-left: 6px;
  }
  .timeline .detail {
    display: block;
    color: var(--secondary-text-color);
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .actions button {
    font: inherit;
    font-size: 0.875em;
    font-weight: 500;
    border: 1px solid var(--primary-color, #03a9f4);
    border-radius: 4px;
    padding: 6px 12px;
    background: none;
    color: var(--primary-color, #03a9f4);
    cursor: pointer;
  }
  .actions button.danger {
    border-color: var(--error-color, #db4437);
    color: var(--error-color, #db4437);
  }
  .actions button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .outcome {
    margin-top: 8px;
    font-size: 0.875em;
    color: var(--secondary-text-color);
  }
  .outcome.error {
    color: var(--error-color, #db4437);
  }
  .empty {
    padding: 8px 16px 16px;
    color: var(--secondary-text-color);
  }
`;var A="media-request-tracker-card",le=["active","all","stalled"],it=`${A}:first-render`,rt=[{service:"approve",label:"action.approve",shown:r=>r.stage==="requested"},{service:"decline",label:"action.decline",danger:!0,shown:r=>r.stage==="requested"},{service:"search_again",label:"action.search_again",shown:r=>r.stalled||["approved","searching","grabbing","downloading","failed"].includes(r.stage)},{service:"refresh",label:"action.refresh",shown:()=>!0},{service:"mark_available",label:"action.mark_available",shown:r=>!["available","declined","deleted"].includes(r.stage)},{service:"remove",label:"action.remove",danger:!0,shown:()=>!0}],ot=new Set(["grabbing","downloading"]),L=class extends m{constructor(){super(...arguments);this._config={type:`custom:${A}`};this._requests=[];this._states=[];this._trackerPresent=!1;this._filter="active";this._open=null;this._busy=null;this._outcome=null;this._confirmRemove=null;this._rendered=!1;this._brokenPosters=new Set}static getConfigElement(){return document.createElement(`${A}-editor`)}static getStubConfig(){return{filter:"active",max_items:10,show_posters:!0}}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");if(t.filter!==void 0&&!le.includes(t.filter))throw new Error(`filter must be one of ${le.join(", ")}`);if(t.max_items!==void 0&&!(Number.isInteger(t.max_items)&&t.max_items>0))throw new Error("max_items must be a positive whole number");this._config=t,this._filter=t.filter??"active",this._select()}set hass(t){let s=this._hass;this._hass=t;let o=ae(t).map(c=>t.states[c]);(!s||s.language!==t.language||s.themes?.darkMode!==t.themes?.darkMode||o.length!==this._states.length||o.some((c,a)=>c!==this._states[a]))&&(this._states=o,this._trackerPresent=Object.values(t.entities??{}).some(c=>c.platform===B),this._select())}get hass(){return this._hass}getCardSize(){return 1+Math.min(this._requests.length,this._config.max_items??10)*2}_select(){this._hass&&(this._requests=Ne(this._hass,this._filter,this._config.max_items??10))}get _t(){return H(this._hass?.locale?.language??this._hass?.language)}get _locale(){return this._hass?.locale?.language??this._hass?.language??"en"}updated(t){super.updated(t),!this._rendered&&this._hass&&(this._rendered=!0,performance.mark(it,{detail:{requests:this._requests.length}}))}render(){let t=this._t;return d`
      <ha-card .header=${this._config.title??t("card.name")}>
        <div class="filters" role="group">
          ${le.map(s=>d`<button
              aria-pressed=${s===this._filter?"true":"false"}
              data-filter=${s}
              @click=${()=>this._setFilter(s)}
            >
              ${t(`filter.${s}`)}
            </button>`)}
        </div>
        ${this._requests.length===0?d`<div class="empty">${this._trackerPresent||!this._hass?t("card.empty"):t("card.no_tracker")}</div>`:d`<ul>
              ${this._requests.map(s=>this._renderRequest(s))}
            </ul>`}
      </ha-card>
    `}_setFilter(t){this._filter=t,this._select()}_renderRequest(t){let s=this._t,i=this._open===t.entityId;return d`<li data-entity-id=${t.entityId}>
      <div
        class="request"
        role="button"
        tabindex="0"
        aria-expanded=${i?"true":"false"}
        @click=${()=>this._toggle(t.entityId)}
        @keydown=${o=>{(o.key==="Enter"||o.key===" ")&&(o.preventDefault(),this._toggle(t.entityId))}}
      >
        ${this._config.show_posters===!1?l:this._renderPoster(t)}
        <div class="body">
          <div class="headline">
            <span class="title">${t.title}</span>
            ${t.year?d`<span class="year">${t.year}</span>`:l}
            <span class="stage ${this._stageClass(t)}">${this._stageName(t)}</span>
          </div>
          ${t.requestedBy?d`<div class="by">${s("request.by",{name:t.requestedBy})}</div>`:l}
          ${this._renderPipeline(t)} ${this._renderDownload(t)} ${this._renderEpisodes(t)}
          ${t.stalled&&t.stalledReason?d`<div class="stalled-reason" role="alert">${s("request.stalled")}: ${t.stalledReason}</div>`:l}
        </div>
      </div>
      ${i?this._renderDetails(t):l}
    </li>`}_renderPoster(t){let s=t.mediaType==="tv"?"mdi:television-classic":"mdi:movie-open",i=t.poster;return!i||this._brokenPosters.has(i)?d`<div class="poster"><ha-icon .icon=${s}></ha-icon></div>`:d`<img
      class="poster"
      src=${i}
      alt=""
      loading="lazy"
      referrerpolicy="no-referrer"
      @error=${()=>{this._brokenPosters.add(i),this.requestUpdate()}}
    />`}_stageName(t){let s=`stage.${t.stage}`;return this._t(s)!==s?this._t(s):t.stage}_stageClass(t){return ne.has(t.stage)?"problem":t.stalled?"stalled":t.stage==="available"?"available":""}_renderPipeline(t){let s=He(t.anime),i=Oe(t,s),o=ne.has(t.stage),n=[];return s.forEach((c,a)=>{a>0&&n.push(d`<span class="link ${a<=i?"done":""}"></span>`);let p=["step",a<i?"done":"",a===i?"current":"",a===i&&o?"problem":"",a===i&&t.stalled?"stalled":"",a===i&&a===s.length-1?"last":""].join(" ");n.push(d`<span class=${p} data-stage=${c} title=${this._t(`stage.${c}`)}></span>`)}),d`<div class="pipeline" aria-label=${this._stageName(t)}>${n}</div>`}_renderDownload(t){if(!ot.has(t.stage)||t.progress===null)return l;let s=this._t,i=Math.min(100,Math.max(0,t.progress));return d`<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${i}>
        <div class="fill" style="width: ${i}%"></div>
      </div>
      <div class="download meta">
        <span class="percent">${i.toLocaleString(this._locale,{maximumFractionDigits:1})} %</span>
        ${t.downloadSpeed?d`<span class="speed">${Re(t.downloadSpeed,this._locale)}</span>`:l}
        ${t.eta!==null?d`<span class="eta">${s("request.eta",{time:Te(t.eta)})}</span>`:l}
      </div>`}_renderEpisodes(t){if(t.mediaType!=="tv"||t.episodesTotal===0)return l;let s=t.episodes.available??0,i=Object.entries(t.episodes).filter(([o])=>o!=="available").map(([o,n])=>`${n} ${this._t(`stage.${o}`).toLowerCase()}`);return d`<div class="episodes meta">
      ${this._t("request.episodes",{done:s,total:t.episodesTotal})}${i.length?` · ${i.join(" · ")}`:""}
    </div>`}_renderDetails(t){let s=this._t,i=this._outcome?.entityId===t.entityId?this._outcome:null;return d`<div class="details">
      <h3>${s("request.timeline")}</h3>
      ${t.timeline.length===0?d`<div class="meta">${s("request.no_timeline")}</div>`:d`<ol class="timeline">
            ${[...t.timeline].reverse().map(o=>d`<li class=${o.inferred?"inferred":""} data-stage=${o.stage}>
                <span class="when">${Pe(o.at,this._locale)}</span>
                <strong>${this._t(`stage.${o.stage}`)}</strong>
                ${o.inferred?d`<span class="tag">${s("request.inferred")}</span>`:l}
                ${o.source?d`<span class="meta"> · ${o.source}</span>`:l}
                ${o.detail?d`<span class="detail">${o.detail}</span>`:l}
              </li>`)}
          </ol>`}
      <div class="actions">
        ${rt.filter(o=>o.shown(t)).map(o=>d`<button
            class=${o.danger?"danger":""}
            data-action=${o.service}
            ?disabled=${this._busy!==null}
            @click=${n=>{n.stopPropagation(),this._act(t,o)}}
          >
            ${o.service==="remove"&&this._confirmRemove===t.entityId?s("action.confirm_remove"):s(o.label)}
          </button>`)}
      </div>
      ${i?d`<div class="outcome ${i.error?"error":""}">${i.text}</div>`:l}
    </div>`}_toggle(t){this._open=this._open===t?null:t,this._confirmRemove=null}async _act(t,s){if(this._hass){if(s.service==="remove"&&this._confirmRemove!==t.entityId){this._confirmRemove=t.entityId;return}this._confirmRemove=null,this._busy=s.service;try{await this._hass.callService(B,s.service,{},{entity_id:t.entityId}),this._outcome={entityId:t.entityId,text:this._t("action.done"),error:!1}}catch(i){let o=i?.message??String(i);this._outcome={entityId:t.entityId,text:this._t("action.failed",{message:o}),error:!0}}finally{this._busy=null}}}};L.styles=Le,L.properties={_config:{state:!0},_requests:{state:!0},_filter:{state:!0},_open:{state:!0},_busy:{state:!0},_outcome:{state:!0},_confirmRemove:{state:!0}};customElements.get(A)||customElements.define(A,L);var F=window;F.customCards=F.customCards??[];if(!F.customCards.some(r=>r.type===A)){let r=H(navigator.language);F.customCards.push({type:A,name:r("card.name"),description:r("card.description"),preview:!0,documentationURL:"https://github.com/media-request-tracker/media-request-tracker#the-card"})}export{A as CARD_TYPE,L as MediaRequestTrackerCard};
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
