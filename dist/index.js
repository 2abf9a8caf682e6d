import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 770:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(218);


/***/ }),

/***/ 218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var net = __nccwpck_require__(278);
var tls = __nccwpck_require__(756);
var http = __nccwpck_require__(611);
var https = __nccwpck_require__(692);
var events = __nccwpck_require__(434);
var assert = __nccwpck_require__(613);
var util = __nccwpck_require__(23);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
exports.debug = debug; // for test


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 659:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

// Patched in (patches/@actions+http-client+4.0.1.patch): https and tunnel (which loads tls, https
// and assert) are required when a request first needs them, not when @actions/http-client is
// imported. CommonJS, so that a bundler still bundles tunnel but runs it only on that first call.

exports.O = () => __nccwpck_require__(692)
exports.d = () => __nccwpck_require__(770)


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function utils_toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_namespaceObject.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_namespaceObject.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(611);
var external_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_http_, 2);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/lazy-modules.cjs
var lazy_modules = __nccwpck_require__(659);
;// CONCATENATED MODULE: external "module"
const external_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("module");
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



// Patched (patches/@actions+http-client+4.0.1.patch), as upstream proposes in actions/toolkit#1800:
// undici is loaded when a fetch proxy dispatcher is first asked for, not by every importer of
// @actions/core; evaluating it at start-up cost the action about 28 ms, 8 MiB and 935 KB of bundle.
// Nothing in the action asks for one (every request goes through HttpClient.request), so the bundle
// leaves undici out (test/repo/metadata.test.ts checks it stays out), and asking for one fails with
// this message instead of "Cannot find module".

const requireOnDemand = (0,external_module_namespaceObject.createRequire)(import.meta.url);
function loadUndici() {
    try {
        return requireOnDemand('undici');
    }
    catch (error) {
        throw new Error('defender-secure-score-action does not bundle undici: HttpClient.getAgentDispatcher (a fetch proxy ' +
            'dispatcher) is not available in this action. Every request must go through HttpClient.request. (' + error.message + ')');
    }
}
var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = pm.getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = ['OPTIONS', 'GET', 'DELETE', 'HEAD'];
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class lib_HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? lazy_modules/* https */.O() : external_http_namespaceObject;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || external_http_.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? lazy_modules/* tunnel */.d().httpsOverHttps : lazy_modules/* tunnel */.d().httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? lazy_modules/* tunnel */.d().httpOverHttps : lazy_modules/* tunnel */.d().httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new (lazy_modules/* https */.O().Agent)(options) : new external_http_.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        const { ProxyAgent } = loadUndici();
        proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var auth_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_namespaceObject.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_namespaceObject.constants.R_OK | external_fs_namespaceObject.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_namespaceObject.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */
// Patched (patches/@actions+core+3.0.1.patch): platform is not exported. It imports @actions/exec,
// and with it child_process and assert, into every run of an action that never spawns a process
// (about 11 ms of start-up); defender-secure-score-action does not use core.platform.
//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./build/src/log.js
/**
 * The action's only way to the log. Text from outside (API answers, history lines, GitHub's answers,
 * error bodies) can reach a message, so every message is made safe here, once:
 * - secrets the action holds are cut out in every encoding they travelled in, and so is any long
 *   enough piece of one (a server that echoes a credential may cut it, and the runner masks only
 *   whole values);
 * - a plain log line cannot be split: a line break inside it would let the rest start a line of the
 *   log, where `::error::`, `::add-mask::` or `::stop-commands::` would be obeyed as workflow
 *   commands. Annotations (warning, error, debug) are escaped by @actions/core itself.
 */

/** A piece this long of a secret is taken as the secret: shorter runs are too common to mean anything. */
const SECRET_PIECE = 12;
const REDACTED = '***';
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/g;
const secrets = new Set();
/** Masks `value` in the runner's log and remembers it, raw and in the encodings requests carry it in. */
function addSecret(value) {
    if (value.length === 0) {
        return;
    }
    core_setSecret(value);
    for (const form of [value, encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2)]) {
        secrets.add(form);
    }
}
/** `text` with every secret, and every piece of one of {@link SECRET_PIECE} characters or more, replaced. */
function redactSecrets(text) {
    let result = text;
    for (const secret of secrets) {
        if (secret.length < SECRET_PIECE) {
            result = result.split(secret).join(REDACTED);
            continue;
        }
        result = result.split(secret).join(REDACTED);
        for (let start = 0; start + SECRET_PIECE <= secret.length; start++) {
            const piece = secret.slice(start, start + SECRET_PIECE);
            if (result.includes(piece)) {
                result = redactPieceRun(result, secret, piece);
            }
        }
    }
    return result;
}
/** Replaces the longest run around each occurrence of `piece` that is a substring of `secret`. */
function redactPieceRun(text, secret, piece) {
    let result = text;
    for (let at = result.indexOf(piece); at >= 0; at = result.indexOf(piece, at + REDACTED.length)) {
        let from = at;
        let to = at + piece.length;
        while (from > 0 && secret.includes(result.slice(from - 1, to)))
            from--;
        while (to < result.length && secret.includes(result.slice(from, to + 1)))
            to++;
        result = result.slice(0, from) + REDACTED + result.slice(to);
        at = from;
    }
    return result;
}
/** One line of the log: nothing in it can start another line. */
function log_info(message) {
    info(oneLine(redactSecrets(message)));
}
function log_warning(message) {
    warning(redactSecrets(message));
}
function log_debug(message) {
    core_debug(redactSecrets(message));
}
/** Marks the step failed with one `::error::` annotation. */
function fail(message) {
    setFailed(redactSecrets(message));
}
/** Text that may have come from outside, on one line: line breaks shown as `\n`, never obeyed. */
function oneLine(text) {
    return text.replace(LINE_BREAKS, character => character === '\n' ? '\\n' : character === '\r' ? '\\r' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

;// CONCATENATED MODULE: ./build/src/defender/clouds.js
/**
 * Where each cloud's Defender API and sign-in live, in one table. Hosts: Microsoft's "Supported
 * Microsoft Defender for Endpoint APIs" (https://learn.microsoft.com/defender-endpoint/api/exposed-apis-list)
 * and "Microsoft Defender for Endpoint for US Government customers"
 * (https://learn.microsoft.com/defender-endpoint/gov); a new cloud is a row here.
 * Microsoft documents no token scope for the government clouds: their default here is the cloud's
 * API base plus /.default, which the README marks as unconfirmed and the scope input overrides.
 */
const CLOUDS = ['commercial', 'gcc', 'gcc-high', 'dod'];
/** Regional hosts of the commercial API: https://{region}.api.security.microsoft.com. */
const REGIONS = ['us', 'eu', 'uk', 'au', 'swa', 'ina', 'aea'];
const COMMERCIAL_SCOPE = 'https://api.securitycenter.microsoft.com/.default';
const CLOUD_ENDPOINTS = {
    commercial: {
        apiUrl: 'https://api.security.microsoft.com',
        authorityHost: 'https://login.microsoftonline.com',
        scope: COMMERCIAL_SCOPE
    },
    gcc: {
        apiUrl: 'https://api-gcc.securitycenter.microsoft.us',
        authorityHost: 'https://login.microsoftonline.com',
        scope: 'https://api-gcc.securitycenter.microsoft.us/.default'
    },
    'gcc-high': {
        apiUrl: 'https://api-gov.securitycenter.microsoft.us',
        authorityHost: 'https://login.microsoftonline.us',
        scope: 'https://api-gov.securitycenter.microsoft.us/.default'
    },
    dod: {
        apiUrl: 'https://api-gov.securitycenter.microsoft.us',
        authorityHost: 'https://login.microsoftonline.us',
        scope: 'https://api-gov.securitycenter.microsoft.us/.default'
    }
};
/** The endpoints of a cloud, and of a region of the commercial cloud. */
function cloudEndpoints(cloud, region) {
    const endpoints = CLOUD_ENDPOINTS[cloud];
    // The scope stays the API's application ID URI whichever regional host answers.
    return region ? { ...endpoints, apiUrl: `https://${region}.api.security.microsoft.com` } : endpoints;
}

;// CONCATENATED MODULE: ./build/src/errors.js
/**
 * What the user must fix: an input, the workflow's permissions, or the set-up of the Entra app.
 * Kept apart from {@link ServiceError} so that the final message says whose move it is.
 */
class ConfigurationError extends Error {
    name = 'ConfigurationError';
}
/** A failure reported by a remote service (Entra ID, the Defender API, GitHub) or the network to it. */
class ServiceError extends Error {
    name = 'ServiceError';
}
/** Failures the action foresaw and explained; anything else is a bug of ours. */
function isExpectedFailure(error) {
    return error instanceof ConfigurationError || error instanceof ServiceError;
}
/** Codes of the file system refusing: the runner's disk or permissions, not a bug of the action. */
const FILE_SYSTEM_CODES = new Set([
    'EPERM',
    'EACCES',
    'EROFS',
    'ENOSPC',
    'EDQUOT',
    'EISDIR',
    'ENOTDIR',
    'EEXIST',
    'ENOENT',
    'EMFILE',
    'ELOOP',
    'EBUSY',
    'EIO'
]);
/** The single line handed to `core.setFailed`: never a stack trace, never a secret. */
function failureMessage(error) {
    if (isExpectedFailure(error)) {
        return error.message;
    }
    const detail = error instanceof Error ? error.message : String(error);
    if (FILE_SYSTEM_CODES.has(errorCode(error) ?? '')) {
        return `The runner's file system refused: ${detail}. Check that the path is writable by the job (not read-only, not a folder) and that the disk has room.`;
    }
    return `Unexpected error in the action: ${detail}. Please report it with the log of this step (re-run with debug logging for more).`;
}
/** The `code` of a Node.js system or TLS error (ENOENT, ECONNRESET, CERT_HAS_EXPIRED ...). */
function errorCode(error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    return typeof code === 'string' ? code : undefined;
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./build/src/files/workspace.js
/**
 * Files the action reads and writes in the workspace (history-file, badge-file). A pull request can
 * change what is in the workspace, so a path may point anywhere and a file may be anything: a
 * symlink to a file outside, a FIFO that never ends, /dev/zero. Here:
 * - a path must stay inside GITHUB_WORKSPACE, after symlinks in its folders are resolved;
 * - the file itself is never followed if it is a symlink (O_NOFOLLOW), and only a regular file is read;
 * - a read takes at most {@link MAX_READ_BYTES}: past that, only the newest part (the end) is read.
 */




/**
 * 16 MiB: about 100,000 readings, 270 years of daily runs. Larger, the file is surely not a history
 * the action wrote, and reading it whole would cost the runner's memory and time for nothing.
 */
const MAX_READ_BYTES = 16 * 1024 * 1024;
/** Why a workspace file could not be used: the path or the file is the user's to fix. */
class WorkspaceFileError extends ConfigurationError {
    name = 'WorkspaceFileError';
}
/** Where a path input points, if it stays inside the workspace; undefined when it does not. */
function insideWorkspace(value, workspace) {
    const path = (0,external_node_path_namespaceObject.isAbsolute)(value) ? (0,external_node_path_namespaceObject.resolve)(value) : (0,external_node_path_namespaceObject.resolve)(workspace, value);
    return isWithin((0,external_node_path_namespaceObject.resolve)(workspace), path) ? path : undefined;
}
function isWithin(folder, path) {
    const relation = (0,external_node_path_namespaceObject.relative)(folder, path);
    return relation === '' || (!relation.startsWith(`..${external_node_path_namespaceObject.sep}`) && relation !== '..' && !(0,external_node_path_namespaceObject.isAbsolute)(relation));
}
/** Reads a regular file of the workspace, its last {@link MAX_READ_BYTES} at most. */
async function readWorkspaceFile(path, workspace) {
    await checkFolder(path, workspace, false);
    let handle;
    try {
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
        handle = await (0,promises_namespaceObject.open)(path, external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK);
    }
    catch (error) {
        if (errorCode(error) === 'ENOENT') {
            return { kind: 'missing' };
        }
        throw refusal(path, error);
    }
    try {
        const stats = await handle.stat();
        if (!stats.isFile()) {
            throw new WorkspaceFileError(`${path} is not a regular file`);
        }
        const length = Math.min(stats.size, MAX_READ_BYTES);
        const skippedBytes = stats.size - length;
        const buffer = Buffer.alloc(length);
        let filled = 0;
        while (filled < length) {
            const { bytesRead } = await handle.read(buffer, filled, length - filled, skippedBytes + filled);
            if (bytesRead === 0)
                break;
            filled += bytesRead;
        }
        return { kind: 'read', text: buffer.subarray(0, filled).toString('utf8'), skippedBytes };
    }
    finally {
        await handle.close();
    }
}
/** Appends to a regular file of the workspace, creating it and its folders if missing. */
async function appendWorkspaceFile(path, workspace, text) {
    await writeThroughHandle(path, workspace, external_node_fs_namespaceObject.constants.O_APPEND, text);
}
/** Replaces the content of a regular file of the workspace, creating it and its folders if missing. */
async function writeWorkspaceFile(path, workspace, text) {
    await writeThroughHandle(path, workspace, external_node_fs_namespaceObject.constants.O_TRUNC, text);
}
async function writeThroughHandle(path, workspace, mode, text) {
    await checkFolder(path, workspace, true);
    let handle;
    try {
        handle = await (0,promises_namespaceObject.open)(path, external_node_fs_namespaceObject.constants.O_WRONLY | external_node_fs_namespaceObject.constants.O_CREAT | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK | mode, 0o644);
    }
    catch (error) {
        throw refusal(path, error);
    }
    try {
        if (!(await handle.stat()).isFile()) {
            throw new WorkspaceFileError(`${path} is not a regular file`);
        }
        await handle.writeFile(text, 'utf8');
    }
    finally {
        await handle.close();
    }
}
/**
 * The folder of `path` must resolve, symlinks and all, inside the workspace. With `create`, missing
 * folders are made, but only below the deepest existing one, which is checked first.
 */
async function checkFolder(path, workspace, create) {
    const root = await (0,promises_namespaceObject.realpath)(workspace).catch(() => (0,external_node_path_namespaceObject.resolve)(workspace));
    const folder = (0,external_node_path_namespaceObject.dirname)(path);
    let existing = folder;
    while (!(await exists(existing)) && (0,external_node_path_namespaceObject.dirname)(existing) !== existing) {
        existing = (0,external_node_path_namespaceObject.dirname)(existing);
    }
    const resolved = await (0,promises_namespaceObject.realpath)(existing);
    if (!isWithin(root, resolved)) {
        throw new WorkspaceFileError(`${path} is outside the workspace (${workspace}) once symlinks are resolved (its folder leads to ${resolved})`);
    }
    if (create && existing !== folder) {
        await (0,promises_namespaceObject.mkdir)(folder, { recursive: true });
        if (!isWithin(root, await (0,promises_namespaceObject.realpath)(folder))) {
            throw new WorkspaceFileError(`${path} is outside the workspace (${workspace}) once symlinks are resolved`);
        }
    }
}
async function exists(path) {
    try {
        await (0,promises_namespaceObject.realpath)(path);
        return true;
    }
    catch {
        return false;
    }
}
function refusal(path, error) {
    const code = errorCode(error);
    if (code === 'ELOOP') {
        return new WorkspaceFileError(`${path} is a symbolic link; the action does not follow links for files it reads or writes`);
    }
    return new WorkspaceFileError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
}

;// CONCATENATED MODULE: ./build/src/net/url-policy.js

/**
 * Tokens must never travel in clear text, so service URLs must be https:// unless they point at
 * this machine (the local simulator, a loopback test double).
 */
function isLoopbackHost(hostname) {
    const host = hostname.toLowerCase();
    if (host === 'localhost' || host === '[::1]') {
        return true;
    }
    const octets = host.split('.');
    return octets.length === 4 && octets[0] === '127' && octets.every(octet => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}
/** Whether a bearer token may be sent to this URL: https://, or http:// to loopback. */
function mayCarryTokens(url) {
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
/** Validates a service URL from an input or the runner; returns it without a trailing slash. */
function checkServiceUrl(name, value, example) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected an absolute https:// URL such as ${example}.`);
    }
    if (url.username || url.password) {
        throw new ConfigurationError(`Invalid ${name}: it must not contain a user name or password. Expected a URL such as ${example}.`);
    }
    if (!mayCarryTokens(url)) {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected an https:// URL such as ${example}: tokens must not travel in clear text ` +
            '(http:// is accepted only for loopback hosts such as 127.0.0.1).');
    }
    if (url.search || url.hash) {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a base URL without a query or fragment, such as ${example}.`);
    }
    return url.href.replace(/\/+$/, '');
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./build/src/signin/certificate.js


/**
 * Hand-written on node:crypto rather than a JOSE library: one PS256 signature over two small JSON
 * objects does not justify a dependency in the bundle every run loads.
 */
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;
/** Entra rejects assertions valid for longer than 10 minutes; 5 leaves room for clock skew. */
const ASSERTION_LIFETIME_SECONDS = 300;
/** Parses `client-certificate` (key and certificate PEM blocks, in either order). */
function parseClientCertificate(pem, password, now) {
    const keyBlock = KEY_BLOCK.exec(pem)?.[0];
    const certificateBlocks = pem.match(CERTIFICATE_BLOCK) ?? [];
    if (!keyBlock) {
        throw new ConfigurationError('Invalid client-certificate: it holds no private key. Expected PEM text with the private key ' +
            '(-----BEGIN PRIVATE KEY-----) and the certificate (-----BEGIN CERTIFICATE-----), as ' +
            '`cat key.pem cert.pem` gives after `openssl req -x509 -newkey rsa:2048 ...`.');
    }
    if (certificateBlocks.length === 0) {
        throw new ConfigurationError('Invalid client-certificate: it holds a private key but no certificate. Append the certificate ' +
            '(-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) that is registered on the app.');
    }
    const privateKey = readPrivateKey(keyBlock, password);
    if (privateKey.asymmetricKeyType !== 'rsa') {
        throw new ConfigurationError(`Invalid client-certificate: its key is ${privateKey.asymmetricKeyType ?? 'of an unknown type'}. ` +
            'Expected an RSA key: Entra ID signs client assertions with RSA (PS256/RS256).');
    }
    const certificates = certificateBlocks.map(readCertificate);
    const certificate = certificates.find(candidate => candidate.checkPrivateKey(privateKey));
    if (!certificate) {
        throw new ConfigurationError(`Invalid client-certificate: the private key does not match the certificate (subject ${describeSubject(certificates[0])}). ` +
            'Put the key and the certificate of the same pair in the input.');
    }
    const validTo = new Date(certificate.validTo);
    const validFrom = new Date(certificate.validFrom);
    if (validTo.getTime() <= now.getTime()) {
        throw new ConfigurationError(`Invalid client-certificate: the certificate (thumbprint ${certificate.fingerprint.replace(/:/g, '')}) expired on ` +
            `${validTo.toISOString()}. Create a new one, upload its public part to the app (Certificates & secrets) and update the secret.`);
    }
    if (validFrom.getTime() > now.getTime()) {
        throw new ConfigurationError(`Invalid client-certificate: the certificate is not valid before ${validFrom.toISOString()}. Check the runner's clock, or wait.`);
    }
    return { certificate, privateKey };
}
function readPrivateKey(block, password) {
    const encrypted = block.startsWith('-----BEGIN ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(block);
    if (encrypted && !password) {
        throw new ConfigurationError('Invalid client-certificate: its private key is encrypted. Pass the password in client-certificate-password.');
    }
    try {
        return (0,external_node_crypto_namespaceObject.createPrivateKey)(encrypted ? { key: block, format: 'pem', passphrase: password } : { key: block, format: 'pem' });
    }
    catch {
        throw new ConfigurationError(encrypted
            ? 'Invalid client-certificate-password: it does not decrypt the private key in client-certificate.'
            : 'Invalid client-certificate: its private key block is not a readable PEM key.');
    }
}
function readCertificate(block) {
    try {
        return new external_node_crypto_namespaceObject.X509Certificate(block);
    }
    catch {
        throw new ConfigurationError('Invalid client-certificate: a CERTIFICATE block is not a readable X.509 certificate.');
    }
}
function describeSubject(certificate) {
    return certificate ? `'${certificate.subject.replace(/\n/g, ', ')}'` : 'unknown';
}
/** Base64url SHA-256 of the DER certificate: the `x5t#S256` header Entra looks the key up by. */
function certificateThumbprintS256(certificate) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(certificate.raw).digest('base64url');
}
/** The client assertion JWT for the certificate credential, signed PS256 as Microsoft's docs say. */
function signClientAssertion(credential, clientId, tokenEndpoint, now, jti = (0,external_node_crypto_namespaceObject.randomUUID)()) {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const header = { alg: 'PS256', typ: 'JWT', 'x5t#S256': certificateThumbprintS256(credential.certificate) };
    const claims = {
        aud: tokenEndpoint,
        iss: clientId,
        sub: clientId,
        jti,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + ASSERTION_LIFETIME_SECONDS
    };
    const signingInput = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
    const signature = (0,external_node_crypto_namespaceObject.sign)('sha256', Buffer.from(signingInput), {
        key: credential.privateKey,
        padding: external_node_crypto_namespaceObject.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: external_node_crypto_namespaceObject.constants.RSA_PSS_SALTLEN_DIGEST
    });
    return `${signingInput}.${signature.toString('base64url')}`;
}
function base64UrlJson(value) {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
}

;// CONCATENATED MODULE: ./build/src/config/runner.js
/**
 * What the runner's environment says about this run: where to ask for an OIDC ID token, which
 * repository and event this is, GitHub's API URL. Inputs are ./inputs.ts's; these are not inputs.
 */


function readIdTokenRequest(env) {
    const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!url || !bearer) {
        throw new ConfigurationError('OIDC sign-in needs an ID token from GitHub, but ACTIONS_ID_TOKEN_REQUEST_URL is not set. ' +
            "Add 'permissions: id-token: write' to the job (with 'contents: read' if the job checks out code), " +
            'or pass client-secret to sign in with a secret instead. ' +
            'Pull requests from forks never get an ID token.');
    }
    if (!URL.canParse(url) || !mayCarryTokens(new URL(url))) {
        throw new ConfigurationError('ACTIONS_ID_TOKEN_REQUEST_URL, set by the runner, is not an https:// URL. Check the runner, or that no step overwrote it.');
    }
    return { url, bearer };
}
function parsePullRequestComment(token, env) {
    if (!token) {
        throw new ConfigurationError('comment-on-pr is true but github-token is empty. Leave github-token at its default (${{ github.token }}) ' +
            "and give the job 'permissions: pull-requests: write', or set comment-on-pr to false.");
    }
    return { github: readGitHubTarget(token, env), eventName: env['GITHUB_EVENT_NAME'] ?? '', eventPath: env['GITHUB_EVENT_PATH'] ?? '' };
}
/** GitHub's API as the runner names it (GITHUB_API_URL, GITHUB_GRAPHQL_URL), and this repository. */
function readGitHubTarget(token, env) {
    const apiUrl = checkServiceUrl('GITHUB_API_URL', env['GITHUB_API_URL'] || 'https://api.github.com', 'https://api.github.com');
    // GitHub Enterprise Server serves GraphQL at /api/graphql beside /api/v3; the runner says where.
    const graphqlUrl = env['GITHUB_GRAPHQL_URL'] || `${apiUrl.replace(/\/v3$/, '')}/graphql`;
    return {
        token,
        apiUrl,
        graphqlUrl: checkServiceUrl('GITHUB_GRAPHQL_URL', graphqlUrl, 'https://api.github.com/graphql'),
        repository: env['GITHUB_REPOSITORY'] ?? ''
    };
}
function readRunUrl(env) {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
    return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
}

;// CONCATENATED MODULE: ./build/src/config/settings.js
const AUTH_METHODS = ['auto', 'oidc', 'secret', 'certificate', 'token'];
/** The history file's path on a history branch when history-file is empty. */
const DEFAULT_BRANCH_HISTORY_FILE = 'history.jsonl';

;// CONCATENATED MODULE: ./build/src/config/inputs.js









/** Every input in action.yml; the rest of the code sees only {@link Settings}. */
const INPUT_NAMES = [
    'tenant-id',
    'client-id',
    'client-secret',
    'client-certificate',
    'client-certificate-password',
    'access-token',
    'auth-method',
    'oidc-audience',
    'cloud',
    'region',
    'api-url',
    'authority-host',
    'scope',
    'min-score',
    'fail-on-low-score',
    'include-exposure-score',
    'max-exposure-score',
    'recommendations',
    'history-file',
    'history-branch',
    'max-drop',
    'badge-file',
    'comment-on-pr',
    'issue-on-failure',
    'device-groups',
    'max-device-group-exposure-score',
    'github-token',
    'job-summary',
    'timeout-seconds',
    'max-retries'
];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const MAX_TIMEOUT_SECONDS = 600;
const MAX_RETRIES = 10;
const MAX_RECOMMENDATIONS = 50;
/** Reads every input through `@actions/core`, masking secrets before anything else can print them. */
function readSettings(env = process.env) {
    const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, getInput(name)]));
    for (const secret of secretFragments(raw)) {
        addSecret(secret);
    }
    const runnerBearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (runnerBearer) {
        addSecret(runnerBearer);
    }
    return parseSettings(raw, env, new Date());
}
/**
 * What to mask. A multi-line value is masked line by line too, as the runner may log it a line at a
 * time; the PEM armour lines are public and would only garble the log.
 */
function secretFragments(raw) {
    const values = [
        raw['client-secret'],
        raw['access-token'],
        raw['client-certificate-password'],
        raw['client-certificate'],
        raw['github-token']
    ];
    const lines = raw['client-certificate']
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line.length >= 8 && !line.startsWith('-----'));
    return [...values, ...lines].filter(value => value.length > 0);
}
/** Validates raw inputs; throws {@link ConfigurationError} naming the input and the fix. */
function parseSettings(raw, env, now) {
    const cloud = parseChoice('cloud', raw.cloud || 'commercial', CLOUDS);
    const region = parseRegion(raw.region, cloud);
    const endpoints = cloudEndpoints(cloud, region);
    const authMethod = resolveAuthMethod(parseChoice('auth-method', raw['auth-method'], AUTH_METHODS), raw);
    const needsApp = authMethod !== 'token';
    const tenantId = parseTenantId(raw['tenant-id'], needsApp, authMethod);
    const clientId = parseClientId(raw['client-id'], needsApp, authMethod);
    const credential = parseCredential(authMethod, raw, env, now);
    const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
    const maxExposureScore = parseOptionalNumber('max-exposure-score', raw['max-exposure-score'], 50);
    const commentOnPr = parseBoolean('comment-on-pr', raw['comment-on-pr']);
    const maxDeviceGroupExposureScore = parseOptionalNumber('max-device-group-exposure-score', raw['max-device-group-exposure-score'], 50);
    return {
        credential,
        tenantId,
        clientId,
        oidcAudience: parseRequired('oidc-audience', raw['oidc-audience'], 'api://AzureADTokenExchange'),
        cloud,
        region,
        apiUrl: checkServiceUrl('api-url', raw['api-url'] || endpoints.apiUrl, endpoints.apiUrl),
        authorityHost: checkServiceUrl('authority-host', raw['authority-host'] || endpoints.authorityHost, endpoints.authorityHost),
        scope: parseScope(raw.scope || endpoints.scope, endpoints.scope),
        minScore: parseOptionalNumber('min-score', raw['min-score'], 400),
        failOnLowScore: parseBoolean('fail-on-low-score', raw['fail-on-low-score']),
        includeExposureScore: parseBoolean('include-exposure-score', raw['include-exposure-score']) || maxExposureScore !== undefined,
        maxExposureScore,
        recommendations: parseCount('recommendations', raw.recommendations, MAX_RECOMMENDATIONS, 5),
        workspace,
        history: parseHistoryStore(raw, env, workspace),
        maxDrop: parseOptionalNumber('max-drop', raw['max-drop'], 10),
        badgeFile: parseOptionalPath('badge-file', raw['badge-file'], workspace),
        pullRequestComment: commentOnPr ? parsePullRequestComment(raw['github-token'], env) : undefined,
        trackingIssue: parseBoolean('issue-on-failure', raw['issue-on-failure'])
            ? readGitHubTarget(requireGitHubToken('issue-on-failure', 'issues: write', raw['github-token']), env)
            : undefined,
        deviceGroups: parseDeviceGroups(raw['device-groups'], maxDeviceGroupExposureScore),
        maxDeviceGroupExposureScore,
        jobSummary: parseBoolean('job-summary', raw['job-summary']),
        runUrl: readRunUrl(env),
        timeoutMs: parseTimeoutSeconds(raw['timeout-seconds']) * 1000,
        maxRetries: parseCount('max-retries', raw['max-retries'], MAX_RETRIES, 3)
    };
}
/** A path inside the history branch: relative, with no `..`, no empty part and nothing git refuses. */
const BRANCH_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/\/)[A-Za-z0-9._/-]+(?<!\/)$/;
/** A branch name git accepts, kept to the characters a workflow needs. */
const BRANCH_NAME = /^(?!\/|-)(?!.*(?:\.\.|\/\/|@\{|\.lock(?:\/|$)))[A-Za-z0-9._/-]+(?<![/.])$/;
/** Where the history is kept, when it is: a workspace file, or a file on a branch of the repository. */
function parseHistoryStore(raw, env, workspace) {
    const branch = raw['history-branch'];
    if (!branch) {
        const path = parseOptionalPath('history-file', raw['history-file'], workspace);
        return path === undefined ? undefined : { kind: 'file', path };
    }
    if (!BRANCH_NAME.test(branch)) {
        throw new ConfigurationError(`Invalid history-branch '${branch}'. Expected a branch name such as secure-score-history.`);
    }
    const path = raw['history-file'] || DEFAULT_BRANCH_HISTORY_FILE;
    if (!BRANCH_PATH.test(path)) {
        throw new ConfigurationError(`Invalid history-file '${path}' with history-branch: expected a path inside the branch, such as ${DEFAULT_BRANCH_HISTORY_FILE} ` +
            '(relative, without .. or a leading /).');
    }
    const github = readGitHubTarget(requireGitHubToken('history-branch', 'contents: write', raw['github-token']), env);
    if (!/^[^/]+\/[^/]+$/.test(github.repository)) {
        throw new ConfigurationError('history-branch needs GITHUB_REPOSITORY (owner/name), which the runner sets: run the action in a GitHub workflow.');
    }
    return { kind: 'branch', branch, path, github };
}
function requireGitHubToken(input, permission, token) {
    if (!token) {
        throw new ConfigurationError(`${input} is set but github-token is empty. Leave github-token at its default (\${{ github.token }}) and give the job ` +
            `'permissions: ${permission}', or unset ${input}.`);
    }
    return token;
}
/**
 * `*` for every group, or names separated by commas or new lines. max-device-group-exposure-score
 * alone checks every group, as max-exposure-score alone reads the exposure score.
 */
function parseDeviceGroups(value, max) {
    const names = value
        .split(/[,\n]/)
        .map(name => name.trim())
        .filter(name => name.length > 0);
    if (names.length === 0) {
        return max === undefined ? undefined : { all: true };
    }
    if (names.includes('*')) {
        if (names.length > 1) {
            throw new ConfigurationError(`Invalid device-groups '${value}'. Expected '*' alone for every group, or group names separated by commas.`);
        }
        return { all: true };
    }
    return { all: false, names: [...new Set(names)] };
}
function resolveAuthMethod(method, raw) {
    switch (method) {
        case 'auto':
            if (raw['access-token'])
                return 'token';
            if (raw['client-certificate'])
                return 'certificate';
            if (raw['client-secret'])
                return 'secret';
            return 'oidc';
        case 'token':
            if (!raw['access-token']) {
                throw new ConfigurationError("auth-method is 'token' but access-token is empty. Pass access-token, or use auth-method 'auto'.");
            }
            return method;
        case 'secret':
            if (!raw['client-secret']) {
                throw new ConfigurationError("auth-method is 'secret' but client-secret is empty. Pass client-secret: ${{ secrets.AZURE_CLIENT_SECRET }} " +
                    "(a secret that does not exist in this repository evaluates to empty), or use auth-method 'oidc'.");
            }
            return method;
        case 'certificate':
            if (!raw['client-certificate']) {
                throw new ConfigurationError("auth-method is 'certificate' but client-certificate is empty. Pass client-certificate: " +
                    '${{ secrets.AZURE_CLIENT_CERTIFICATE }} (PEM text with the private key and the certificate).');
            }
            return method;
        case 'oidc':
            return method;
    }
}
function parseCredential(method, raw, env, now) {
    switch (method) {
        case 'oidc':
            return { method, idTokenRequest: readIdTokenRequest(env) };
        case 'secret':
            return { method, clientSecret: raw['client-secret'] };
        case 'certificate':
            return { method, certificate: parseClientCertificate(raw['client-certificate'], raw['client-certificate-password'], now) };
        case 'token':
            if (!/^[\x21-\x7e]+$/.test(raw['access-token'])) {
                throw new ConfigurationError('Invalid access-token: it holds a space, a line break or another character a bearer token cannot have. ' +
                    "Pass the token alone (an earlier step's output often ends with a line break: trim it).");
            }
            return { method, accessToken: raw['access-token'] };
    }
}
function parseOptionalPath(name, value, workspace) {
    if (!value) {
        return undefined;
    }
    const example = `.github/secure-score/${name === 'badge-file' ? 'badge.svg' : 'history.jsonl'}`;
    if (value.includes('\0') || /[\\/]$/.test(value)) {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a file path relative to the workspace, such as ${example}.`);
    }
    const path = insideWorkspace(value, workspace);
    if (path === undefined) {
        throw new ConfigurationError(`Invalid ${name} '${value}': it is outside the workspace (${workspace}). Expected a path inside it, such as ${example}: ` +
            'the action writes only where the job checked out its files.');
    }
    return path;
}
function parseCount(name, value, max, example) {
    if (!/^\d+$/.test(value) || Number(value) > max) {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a whole number from 0 to ${max}, such as ${example}.`);
    }
    return Number(value);
}
function parseRegion(value, cloud) {
    if (!value) {
        return undefined;
    }
    const region = parseChoice('region', value, REGIONS);
    if (cloud !== 'commercial') {
        throw new ConfigurationError(`Invalid region '${value}' with cloud '${cloud}': regions apply to the commercial cloud only. ` +
            "Remove region, or set cloud to 'commercial'.");
    }
    return region;
}
function parseTenantId(value, required, method) {
    if (!value) {
        if (required) {
            throw new ConfigurationError(`Missing tenant-id: auth-method '${method}' needs it. Expected the directory (tenant) ID of your Entra tenant ` +
                '(a GUID) or one of its verified domains such as contoso.onmicrosoft.com.');
        }
        return '';
    }
    if (!GUID.test(value) && !DOMAIN.test(value)) {
        throw new ConfigurationError(`Invalid tenant-id '${value}'. Expected the directory (tenant) ID, a GUID such as ` +
            "00000000-0000-0000-0000-000000000000, or a verified domain such as contoso.onmicrosoft.com ('common' " +
            "and 'organizations' do not work for app sign-in).");
    }
    return value;
}
function parseClientId(value, required, method) {
    if (!value) {
        if (required) {
            throw new ConfigurationError(`Missing client-id: auth-method '${method}' needs it. Expected the application (client) ID of the Entra app ` +
                'registration, a GUID shown on its Overview page.');
        }
        return '';
    }
    if (!GUID.test(value)) {
        throw new ConfigurationError(`Invalid client-id '${value}'. Expected the application (client) ID of the Entra app registration, a GUID such ` +
            'as 00000000-0000-0000-0000-000000000000 (not the secret ID nor the object ID).');
    }
    return value;
}
function parseChoice(name, value, choices) {
    const match = choices.find(choice => choice === value.toLowerCase());
    if (match === undefined) {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected one of: ${choices.join(', ')}.`);
    }
    return match;
}
function parseRequired(name, value, example) {
    if (!value) {
        throw new ConfigurationError(`Missing ${name}. Expected a value such as ${example} (or remove the input to use the default).`);
    }
    return value;
}
function parseScope(value, example) {
    if (!value.endsWith('/.default') || /\s/.test(value)) {
        throw new ConfigurationError(`Invalid scope '${value}'. Expected the API's application ID URI followed by /.default, such as ${example}: ` +
            'the client-credentials grant accepts only .default scopes.');
    }
    return value;
}
function parseOptionalNumber(name, value, example) {
    if (!value) {
        return undefined;
    }
    const number = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(number)) {
        throw new ConfigurationError(`Invalid ${name} '${value}'. Expected a non-negative number of points such as ${example}, or leave it empty for no threshold.`);
    }
    return number;
}
function parseBoolean(name, value) {
    // The YAML 1.2 core schema spellings, as core.getBooleanInput accepts.
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    throw new ConfigurationError(`Invalid ${name} '${value}'. Expected true or false.`);
}
function parseTimeoutSeconds(value) {
    const seconds = Number(value);
    if (!value || !Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
        throw new ConfigurationError(`Invalid timeout-seconds '${value}'. Expected a number of seconds greater than 0 and at most ${MAX_TIMEOUT_SECONDS}, such as 30.`);
    }
    return seconds;
}

;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./build/src/json.js
/** Helpers for JSON from outside (API answers, GitHub answers, files): never trusted, never thrown on. */
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** JSON.parse that answers undefined instead of throwing. */
function parseJson(body) {
    try {
        return JSON.parse(body);
    }
    catch {
        return undefined;
    }
}
/**
 * ISO 8601 date and time as Microsoft's API writes it, and nothing looser: `Date.parse` alone
 * accepts `"1"`, `"junk 1 junk"` and text in parentheses, line breaks included.
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
function isIsoDateTime(value) {
    return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

;// CONCATENATED MODULE: ./build/src/net/body.js


/**
 * Says what came back when it is not what the service documents, e.g. `text/html, 1234 bytes, not
 * JSON (it starts like HTML)`, without echoing it: every request carries a credential, and a server
 * may echo it back (Microsoft's fields the action parses are shown by the callers, redacted).
 */
function describeBody(body, headers) {
    const type = oneLine(String(headers['content-type'] ?? 'no content type')).slice(0, 100);
    if (body.length === 0) {
        return `${type}, empty body`;
    }
    const json = parseJson(body);
    const shape = json === undefined ? (/^\s*</.test(body) ? 'not JSON (it starts like HTML)' : 'not JSON') : describeShape(json);
    return `${type}, ${Buffer.byteLength(body)} bytes, ${shape}`;
}
/**
 * Names what a parsed body is without showing any value: for bodies that may hold a secret (a token
 * answer), e.g. `an object with keys token_type, accessToken`.
 */
function describeShape(json) {
    if (!isRecord(json)) {
        return Array.isArray(json) ? 'a JSON array, not an object' : 'not a JSON object';
    }
    const keys = Object.keys(json);
    const shown = keys.slice(0, MAX_KEYS_SHOWN).map(key => oneLine(key.length > 40 ? `${key.slice(0, 40)}...` : key));
    const more = keys.length > MAX_KEYS_SHOWN ? ` and ${keys.length - MAX_KEYS_SHOWN} more` : '';
    return `an object with keys ${shown.join(', ') || '(none)'}${more}`;
}
const MAX_KEYS_SHOWN = 10;

;// CONCATENATED MODULE: ./build/src/defender/answers.js
/**
 * What the Defender API answers, read as hostile data: only the documented shapes are accepted, and
 * anything else is an error that says what came back (without echoing it). Pure.
 * Shapes: https://learn.microsoft.com/defender-endpoint/api/get-device-secure-score,
 * .../api/get-exposure-score, .../api/get-machine-group-exposure-score, .../api/get-all-recommendations
 */



const SCORE_PATH = '/api/configurationScore';
const EXPOSURE_PATH = '/api/exposureScore';
const DEVICE_GROUPS_PATH = '/api/exposureScore/ByMachineGroups';
const RECOMMENDATIONS_PATH = '/api/recommendations';
/** A gate must not pass or fail on data it cannot trust, so an odd answer stops the run with this. */
const UNEXPECTED_ANSWER_HINT = 'No gate was evaluated on it. Check that api-url is the Defender for Endpoint API; if it is, re-run the job, and ' +
    'report the answer if it persists.';
/** Accepts only the documented `{ time, score }` object; anything else is an error that says what came back. */
function parseScoreResponse(response, path) {
    const what = `The Defender API answered GET ${path} with HTTP ${response.status}`;
    const json = parseJson(response.body);
    if (!isRecord(json)) {
        throw new ServiceError(`${what} but not with the documented JSON object { "time": ..., "score": ... } ` +
            `(${describeBody(response.body, response.headers)}). ${UNEXPECTED_ANSWER_HINT}`);
    }
    const { score, time } = json;
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
        throw new ServiceError(`${what} but its score is ${JSON.stringify(score) ?? 'missing'}, not a non-negative number of points. ${UNEXPECTED_ANSWER_HINT}`);
    }
    if (!isIsoDateTime(time)) {
        throw new ServiceError(`${what} but its time is ${JSON.stringify(time) ?? 'missing'}, not an ISO 8601 date and time such as 2026-11-24T08:00:00Z. ${UNEXPECTED_ANSWER_HINT}`);
    }
    return { score, time };
}
/** The items of an OData collection `{ "value": [...] }`, or an error naming what came back. */
function collection(response, path) {
    const json = parseJson(response.body);
    const items = isRecord(json) ? json['value'] : undefined;
    if (!Array.isArray(items)) {
        throw new ServiceError(`The Defender API answered GET ${path} with HTTP ${response.status} but not with the documented ` +
            `{ "value": [...] } collection (${describeBody(response.body, response.headers)}).`);
    }
    return items.filter(isRecord);
}
const answers_text = (value) => (typeof value === 'string' ? value : '');
const finite = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
/** Reads the recommendations; items without a name are left out, and so are those excepted (status Exception). */
function parseRecommendations(response, count) {
    const items = collection(response, RECOMMENDATIONS_PATH);
    const excepted = items.filter(item => item['status'] === 'Exception').length;
    const active = items
        .filter(item => item['status'] !== 'Exception')
        .flatMap(item => {
        const name = answers_text(item['recommendationName']);
        return name
            ? [
                {
                    name,
                    category: answers_text(item['recommendationCategory']),
                    product: answers_text(item['productName']),
                    configScoreImpact: finite(item['configScoreImpact']) ?? 0,
                    exposedMachines: finite(item['exposedMachinesCount']),
                    totalMachines: finite(item['totalMachineCount'])
                }
            ]
            : [];
    });
    return { top: topRecommendations(active, count), excepted };
}
/** The `count` recommendations that would raise the score most; ties keep the API's order. */
function topRecommendations(items, count) {
    return [...items].sort((a, b) => b.configScoreImpact - a.configScoreImpact).slice(0, count);
}
/**
 * Reads the exposure score by device group, keeping the groups `selection` names (all for `*`).
 * A group must have a name and a finite, non-negative score, or the answer is refused: a check may
 * depend on it.
 */
function answers_parseDeviceGroups(response, selection) {
    const groups = collection(response, DEVICE_GROUPS_PATH).map(item => {
        const name = item['rbacGroupName'];
        const score = item['score'];
        if (typeof name !== 'string' || name.length === 0 || typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
            throw new ServiceError(`The Defender API answered GET ${DEVICE_GROUPS_PATH} with a group that has no name or no non-negative score ` +
                `(rbacGroupName ${JSON.stringify(name) ?? 'missing'}, score ${JSON.stringify(score) ?? 'missing'}). ${UNEXPECTED_ANSWER_HINT}`);
        }
        return { name, score };
    });
    const listed = groups.map(group => group.name);
    if (selection.all) {
        return { groups, missing: [], listed };
    }
    const wanted = new Set(selection.names.map(name => name.toLowerCase()));
    return {
        groups: groups.filter(group => wanted.has(group.name.toLowerCase())),
        missing: selection.names.filter(name => !listed.some(group => group.toLowerCase() === name.toLowerCase())),
        listed
    };
}

;// CONCATENATED MODULE: ./build/src/defender/api.js






/**
 * How long an extra no gate depends on may keep the run waiting once every answer a gate needs is
 * in: it is then skipped with a warning, so a hung endpoint never holds a run whose verdict is known.
 */
const EXTRA_GRACE_MS = 5000;
/**
 * Sends every request at once, so the extras never lengthen the critical path. The score must be
 * read; an extra that fails only warns, unless a check (max-exposure-score,
 * max-device-group-exposure-score) depends on it, and an extra no check needs gets
 * {@link EXTRA_GRACE_MS} after the answers the checks need.
 */
async function readDefender(http, settings, token) {
    const { apiUrl, deviceGroups } = settings;
    log_info(`Reading the device secure score from ${new URL(apiUrl).host}.`);
    const get = (path, permission, parse) => settle(getJson(http, apiUrl, token, path, permission).then(parse));
    const score = get(SCORE_PATH, 'Score.Read.All', response => parseScoreResponse(response, SCORE_PATH));
    const exposure = settings.includeExposureScore
        ? get(EXPOSURE_PATH, 'Score.Read.All', response => parseScoreResponse(response, EXPOSURE_PATH))
        : undefined;
    const groups = deviceGroups ? get(DEVICE_GROUPS_PATH, 'Score.Read.All', response => answers_parseDeviceGroups(response, deviceGroups)) : undefined;
    const recommendations = settings.recommendations > 0
        ? get(RECOMMENDATIONS_PATH, 'SecurityRecommendation.Read.All', response => parseRecommendations(response, settings.recommendations))
        : undefined;
    const needed = [
        score,
        settings.maxExposureScore === undefined ? undefined : exposure,
        settings.maxDeviceGroupExposureScore === undefined ? undefined : groups
    ];
    for (const result of await Promise.all(needed)) {
        if (result?.status === 'rejected') {
            throw result.reason;
        }
    }
    const scoreResult = await score;
    if (scoreResult.status === 'rejected') {
        throw scoreResult.reason;
    }
    const grace = new AbortController();
    const late = (0,external_node_timers_promises_namespaceObject.setTimeout)(EXTRA_GRACE_MS, LATE, { signal: grace.signal }).catch(() => LATE);
    const withinGrace = (extra) => extra && Promise.race([extra, late]);
    const [exposureResult, groupsResult, recommendationsResult] = await Promise.all([
        withinGrace(exposure),
        withinGrace(groups),
        withinGrace(recommendations)
    ]).finally(() => grace.abort());
    const groupReadings = settledOrWarn(groupsResult, 'Device groups skipped');
    if (groupReadings && groupReadings.missing.length > 0) {
        log_warning(`device-groups names ${groupReadings.missing.map(name => `'${name}'`).join(', ')}, which the API does not list; ` +
            `it lists ${groupReadings.listed.map(name => `'${name}'`).join(', ') || 'no group'}. Check the names (Microsoft Defender portal > Settings > Endpoints > Device groups).`);
    }
    return {
        score: scoreResult.value,
        exposure: settledOrWarn(exposureResult, 'Exposure score skipped'),
        recommendations: settledOrWarn(recommendationsResult, 'Top recommendations skipped'),
        deviceGroups: groupReadings
    };
}
/** The outcome of a request, handled from the moment it is sent (an extra may fail while the score is awaited). */
function settle(promise) {
    return promise.then(value => ({ status: 'fulfilled', value }), (reason) => ({ status: 'rejected', reason }));
}
/** An extra still unanswered when the grace period ran out. */
const LATE = {
    status: 'rejected',
    reason: new ServiceError(`no answer within ${EXTRA_GRACE_MS / 1000} s after the score; the verdict did not wait for it`)
};
function settledOrWarn(result, what) {
    if (result === undefined) {
        return undefined;
    }
    if (result.status === 'fulfilled') {
        return result.value;
    }
    log_warning(`${what}: ${failureMessage(result.reason)}`);
    return undefined;
}
async function getJson(http, apiUrl, token, path, permission) {
    const response = await http.send({
        service: 'the Defender API',
        method: 'GET',
        url: `${apiUrl}${path}`,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }
    });
    if (response.status !== 200) {
        throw new ServiceError(describeApiFailure(path, response, permission));
    }
    return response;
}
/** The message for a non-200 answer: Microsoft's code, message and request id, and what to do. */
function describeApiFailure(path, response, permission) {
    const json = parseJson(response.body);
    const error = isRecord(json) && isRecord(json['error']) ? json['error'] : undefined;
    const field = (name) => (typeof error?.[name] === 'string' ? error[name] : undefined);
    const code = field('code');
    const details = error
        ? `${code ?? 'no code'}: ${field('message') ?? '(no message)'}${field('target') ? ` (request id ${field('target')})` : ''}`
        : describeBody(response.body, response.headers);
    return `The Defender API refused GET ${path} (HTTP ${response.status}, ${details}).\nFix: ${apiHint(response.status, code, permission)}`;
}
function apiHint(status, code, permission) {
    if (status === 401) {
        return ('the authorization header was not accepted: the token is invalid, expired, or for another API. It must be for the ' +
            "Defender API's scope (https://api.securitycenter.microsoft.com/.default in the commercial cloud).");
    }
    if (status === 403 && code === 'DisabledFeature') {
        return 'a feature this endpoint needs is not enabled in the tenant: turn it on in the Microsoft Defender portal settings.';
    }
    if (status === 403) {
        return (`the app needs the application permission ${permission} on WindowsDefenderATP, and admin consent for it: ` +
            `Entra admin center > App registrations > the app > API permissions > Add a permission > APIs my organization ` +
            `uses > WindowsDefenderATP > Application permissions > ${permission}, then Grant admin consent. ` +
            'A newly granted permission can take a few minutes to reach new tokens.');
    }
    if (status === 404) {
        return 'check api-url: this endpoint was not found there.';
    }
    if (status === 429) {
        return ('the API is throttling this app. Microsoft states no limit for these endpoints (other Defender endpoints allow ' +
            '100 calls a minute and 1500 an hour): spread scheduled runs over the hour, or raise max-retries.');
    }
    if (status >= 500) {
        return 'the Defender API is having trouble; try again later (raise max-retries to wait longer).';
    }
    return 'the request was rejected; if it persists, report it with the request id.';
}

;// CONCATENATED MODULE: ./build/src/github/api.js
/**
 * GitHub's REST API (and, for one question, GraphQL) through the action's own {@link Http}: the same
 * proxy, CA, deadline, retries and bounded body as Microsoft's. Written here rather than with Octokit:
 * the action makes a handful of calls, and answers from GitHub are treated as hostile like any other
 * (a `Link` to another host is not followed with the token; an answer of the wrong shape is an error
 * that says so, not a crash).
 */




/** Pages of a listing read at most: 100 items a page, 5,000 comments or issues. */
const MAX_PAGES = 50;
/** GitHub answered, but not with success: the status, GitHub's message, and what was asked. */
class GitHubError extends ServiceError {
    status;
    request;
    constructor(status, request, detail) {
        super(`GitHub's API answered ${request} with HTTP ${status}${detail}`);
        this.status = status;
        this.request = request;
    }
}
class GitHubApi {
    http;
    target;
    constructor(http, target) {
        this.http = http;
        this.target = target;
    }
    /** `path` is below the API URL, e.g. `/repos/o/r/issues/1/comments`. */
    async request(method, path, body) {
        const response = await this.send(method, `${this.target.apiUrl}${path}`, body);
        return response.status === 204 ? undefined : this.json(response, `${method} ${path}`);
    }
    /** Every item of a paged listing, following `Link: rel="next"` only to the API's own origin. */
    async list(path) {
        const items = [];
        let url = `${this.target.apiUrl}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
        for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
            const response = await this.send('GET', url, undefined);
            const data = this.json(response, `GET ${path}`);
            if (!Array.isArray(data)) {
                throw new GitHubError(response.status, `GET ${path}`, ` but not with a list (${describeBody(response.body, response.headers)})`);
            }
            items.push(...data.filter(isRecord));
            url = this.nextPage(response);
        }
        return items;
    }
    /**
     * The login of the identity the token acts as, from GraphQL's `viewer`, which answers for every kind
     * of token: `github-actions[bot]` for the job's GITHUB_TOKEN, `<app-slug>[bot]` for a GitHub App's
     * installation token, the user's login for a personal access token.
     */
    async viewerLogin() {
        const response = await this.send('POST', this.target.graphqlUrl, { query: 'query { viewer { login } }' });
        const json = this.json(response, 'POST /graphql (viewer)');
        const data = isRecord(json) ? json['data'] : undefined;
        const viewer = isRecord(data) ? data['viewer'] : undefined;
        const login = isRecord(viewer) ? viewer['login'] : undefined;
        if (typeof login !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login)) {
            throw new GitHubError(response.status, 'POST /graphql (viewer)', ` but without the login of the token's identity (${describeBody(response.body, response.headers)})`);
        }
        return login;
    }
    async send(method, url, body) {
        return this.http.send({
            service: "GitHub's API",
            method,
            url,
            headers: {
                Authorization: `Bearer ${this.target.token}`,
                Accept: 'application/vnd.github+json',
                'X-GitHub-Api-Version': '2022-11-28',
                ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            // Creating must not be sent twice: a retry after a lost answer could create a second one.
            retry: method !== 'POST' || url === this.target.graphqlUrl
        });
    }
    json(response, request) {
        if (response.status < 200 || response.status > 299) {
            const json = parseJson(response.body);
            const message = isRecord(json) && typeof json['message'] === 'string'
                ? `: ${json['message'].slice(0, 300)}`
                : ` (${describeBody(response.body, response.headers)})`;
            throw new GitHubError(response.status, request, message);
        }
        const json = parseJson(response.body);
        if (json === undefined) {
            throw new GitHubError(response.status, request, ` but not with JSON (${describeBody(response.body, response.headers)})`);
        }
        return json;
    }
    nextPage(response) {
        const link = [response.headers['link']].flat().join(',');
        const next = /<([^>]+)>\s*;\s*rel="next"/.exec(link)?.[1];
        if (next === undefined || !URL.canParse(next)) {
            return undefined;
        }
        const url = new URL(next);
        if (url.origin !== new URL(this.target.apiUrl).origin || !mayCarryTokens(url)) {
            throw new ServiceError(`GitHub's API pointed the next page at ${url.origin}, not at ${new URL(this.target.apiUrl).origin}; ` +
                'the action sends its token only to the configured API (GITHUB_API_URL), so the listing was not followed.');
        }
        return url.href;
    }
}

;// CONCATENATED MODULE: ./build/src/github/ownership.js
/** Whether a comment or an issue is the action's own: made by the token's identity, and marked by it. */
function isOwnedBy(item, login, marker) {
    return item.author.toLowerCase() === login.toLowerCase() && item.body.startsWith(marker);
}

;// CONCATENATED MODULE: ./build/src/github/pull-request.js
/**
 * The sticky pull-request comment: one comment per tenant, kept up to date. It is found by its
 * hidden marker AND its author: the action edits only comments created by the identity its token
 * acts as (GitHubApi.viewerLogin), so a comment by anyone else that quotes the marker is never touched.
 */






const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];
/** The runner's event payload is small; a larger file is not one. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;
/**
 * Keeps one comment on the pull request, whatever other runs do at the same time: creates it when
 * there is none, deletes the duplicates that runs racing this one created, and writes this run's
 * report into the oldest, last of all, so the comment shows the run that finished last.
 * Returns its URL; undefined when skipped or refused. It never fails the run: a fork's pull request
 * gets a read-only token, and that must not turn a gate red.
 */
async function upsertPullRequestComment(target, marker, body, http) {
    if (!PULL_REQUEST_EVENTS.includes(target.eventName)) {
        log_info(`comment-on-pr: skipped, this run's event is '${target.eventName || 'unknown'}', not a pull request.`);
        return undefined;
    }
    const number = await pullRequestNumber(target.eventPath);
    const [owner, repo] = target.github.repository.split('/');
    if (number === undefined || !owner || !repo) {
        log_warning('comment-on-pr: skipped, the runner gave no pull request number (GITHUB_EVENT_PATH) or repository (GITHUB_REPOSITORY).');
        return undefined;
    }
    const github = new GitHubApi(http, target.github);
    const repository = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
    try {
        const me = await github.viewerLogin();
        const ours = async () => (await github.list(`${repository}/issues/${number}/comments`)).flatMap(toComment).filter(comment => isOwnedBy(comment, me, marker));
        let mine = await ours();
        let created;
        if (mine.length === 0) {
            created = toComment(await github.request('POST', `${repository}/issues/${number}/comments`, { body }))[0];
            mine = await ours();
        }
        const [keeper, ...duplicates] = mine.sort((a, b) => a.id - b.id);
        if (!keeper) {
            throw new GitHubError(200, 'GET comments', ': the comment just created is not listed');
        }
        for (const duplicate of duplicates) {
            await github.request('DELETE', `${repository}/issues/comments/${duplicate.id}`).catch((error) => {
                if (!(error instanceof GitHubError && error.status === 404))
                    throw error;
            });
        }
        if (created?.id !== keeper.id || duplicates.length > 0) {
            await github.request('PATCH', `${repository}/issues/comments/${keeper.id}`, { body });
        }
        log_info(`${created?.id === keeper.id ? 'Created' : 'Updated'} the comment on pull request #${number}: ${keeper.url}`);
        return keeper.url;
    }
    catch (error) {
        log_warning(`Could not comment on pull request #${number}: ${describeFailure(error)}`);
        return undefined;
    }
}
function toComment(value) {
    if (!isRecord(value) || typeof value['id'] !== 'number' || !isRecord(value['user'])) {
        return [];
    }
    const url = value['html_url'];
    const login = value['user']['login'];
    return [
        {
            id: value['id'],
            body: typeof value['body'] === 'string' ? value['body'] : '',
            author: typeof login === 'string' ? login : '',
            url: typeof url === 'string' && /^https:\/\/\S+$/.test(url) ? url : ''
        }
    ];
}
async function pullRequestNumber(eventPath) {
    try {
        if ((await (0,promises_namespaceObject.stat)(eventPath)).size > MAX_EVENT_BYTES) {
            return undefined;
        }
        const payload = parseJson(await (0,promises_namespaceObject.readFile)(eventPath, 'utf8'));
        const pullRequest = isRecord(payload) ? payload['pull_request'] : undefined;
        const number = isRecord(pullRequest) ? pullRequest['number'] : undefined;
        return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
    }
    catch {
        return undefined;
    }
}
/** Why GitHub's API did not take the comment, and for a refusal, what to do. */
function describeFailure(error) {
    const status = error instanceof GitHubError ? error.status : undefined;
    const hint = status === 403 || status === 404
        ? " The token cannot write here: pull requests from forks get a read-only token; otherwise give the job 'permissions: pull-requests: write'."
        : status !== undefined && status >= 300 && status < 400
            ? ' GitHub redirected the request: check GITHUB_API_URL (the repository may have moved).'
            : '';
    return `${failureMessage(error).replace(/\.$/, '')}.${hint}`;
}

;// CONCATENATED MODULE: ./build/src/github/tracking-issue.js
/**
 * issue-on-failure: one open issue per tenant while checks fail. Created by the first failing run,
 * updated by later ones (never a second issue), commented on and closed by the first run that
 * passes every check. Like the sticky comment, it touches only issues its own token's identity
 * created and marked: an issue by anyone else that carries the marker is never edited or closed.
 */





/** Keeps the tracking issue in step with this run's verdict. Returns the issue's page, if there is one; never throws. */
async function trackFailures(http, target, failed, content) {
    const github = new GitHubApi(http, target);
    const [owner = '', repo = ''] = target.repository.split('/');
    const issues = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;
    try {
        const me = await github.viewerLogin();
        const open = async () => (await github.list(`${issues}?state=open`))
            .filter(item => !('pull_request' in item))
            .flatMap(toIssue)
            .filter(issue => isOwnedBy(issue, me, content.marker))
            .sort((a, b) => a.number - b.number);
        let mine = await open();
        if (!failed) {
            for (const issue of mine) {
                await github.request('POST', `${issues}/${issue.number}/comments`, { body: content.recovery });
                await github.request('PATCH', `${issues}/${issue.number}`, { state: 'closed', state_reason: 'completed' });
                log_info(`issue-on-failure: every check passes again; closed ${issue.url}.`);
            }
            return mine[0]?.url;
        }
        if (mine.length === 0) {
            await github.request('POST', issues, { title: content.title, body: content.body });
            mine = await open();
        }
        const [keeper, ...duplicates] = mine;
        if (!keeper) {
            throw new GitHubError(201, `POST ${issues}`, ': the issue just created is not listed');
        }
        // Runs that raced this one may have opened one each: close all but the oldest, pointing to it.
        for (const duplicate of duplicates) {
            await github.request('POST', `${issues}/${duplicate.number}/comments`, { body: `${content.marker}\nDuplicate of #${keeper.number}.` });
            await github.request('PATCH', `${issues}/${duplicate.number}`, { state: 'closed', state_reason: 'not_planned' });
        }
        await github.request('PATCH', `${issues}/${keeper.number}`, { title: content.title, body: content.body });
        log_info(`issue-on-failure: ${keeper.url} tracks the failing checks.`);
        return keeper.url;
    }
    catch (error) {
        const refused = error instanceof GitHubError && (error.status === 403 || error.status === 404);
        const hint = refused ? " The token cannot write issues: give the job 'permissions: issues: write'." : '';
        log_warning(`issue-on-failure: the tracking issue could not be kept (${failureMessage(error)}).${hint}`);
        return undefined;
    }
}
function toIssue(value) {
    const { number, body, html_url: url, user } = value;
    const login = isRecord(user) ? user['login'] : undefined;
    if (typeof number !== 'number' || typeof login !== 'string') {
        return [];
    }
    return [
        {
            number,
            author: login,
            body: typeof body === 'string' ? body : '',
            url: typeof url === 'string' && /^https:\/\/\S+$/.test(url) ? url : ''
        }
    ];
}

;// CONCATENATED MODULE: ./build/src/history/history.js

/** A reading dated this much after the current one is taken as clock skew, not as the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const BYTE_ORDER_MARK = '\uFEFF';
/** This run's reading, as a line of the history. */
function historyEntryOf(readings, tenant, apiHost) {
    return { time: readings.score.time, score: readings.score.score, exposure: readings.exposure?.score ?? null, tenant, apiHost };
}
/**
 * Reads JSON Lines. `partialStart`: the text is the end of a longer file, so its first line may be
 * cut and is skipped.
 */
function parseHistory(text, partialStart = false) {
    const entries = [];
    let unreadableLines = 0;
    const lines = (text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text).split('\n');
    for (const line of partialStart ? lines.slice(1) : lines) {
        if (line.trim() === '') {
            continue;
        }
        const entry = toEntry(line);
        if (entry) {
            entries.push(entry);
        }
        else {
            unreadableLines++;
        }
    }
    return { entries, unreadableLines, needsNewline: text.length > 0 && !text.endsWith('\n') };
}
function toEntry(line) {
    const value = parseJson(line);
    if (!isRecord(value)) {
        return undefined;
    }
    const { time, score, exposure, tenant, apiHost } = value;
    const validExposure = exposure === null || exposure === undefined || (typeof exposure === 'number' && Number.isFinite(exposure));
    if (!isIsoDateTime(time) || typeof score !== 'number' || !Number.isFinite(score) || score < 0 || !validExposure) {
        return undefined;
    }
    return {
        time,
        score,
        exposure: typeof exposure === 'number' ? exposure : null,
        tenant: typeof tenant === 'string' ? tenant : '',
        apiHost: typeof apiHost === 'string' ? apiHost : ''
    };
}
/** Tenant IDs and domain names are case-insensitive: Contoso.onmicrosoft.com is contoso.onmicrosoft.com. */
function sameTenant(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}
/** The same tenant's earlier readings, in time order, as the summary and the max-drop check see them. */
function viewHistory(entries, current, keep) {
    const now = Date.parse(current.time);
    const tenant = entries.filter(entry => sameTenant(entry.tenant, current.tenant));
    const earlier = tenant
        .filter(entry => Date.parse(entry.time) <= now + CLOCK_SKEW_MS)
        .map((entry, index) => ({ entry, index, at: Date.parse(entry.time) }))
        // Equal times keep file order, so the later line is the later reading.
        .sort((a, b) => a.at - b.at || a.index - b.index)
        .map(({ entry }) => entry);
    return {
        previous: earlier.at(-1),
        recent: [...earlier.slice(-(keep - 1)), current],
        futureDated: tenant.length - earlier.length
    };
}
/** The line to append for a reading. */
function historyLine(entry, needsNewline) {
    return `${needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`;
}

;// CONCATENATED MODULE: ./build/src/history/branch-store.js
/**
 * The history kept on a branch of the repository (history-branch), read and written only through
 * GitHub's REST API: no checkout, nothing in the workspace. Each run appends one line with a
 * compare-and-swap (the contents API's blob `sha`), and starts again from a fresh read when another
 * run wrote first, so runs that race lose no reading. A missing branch is created holding only the
 * history (an orphan commit, like gh-pages), not a copy of the default branch.
 * https://docs.github.com/rest/repos/contents#create-or-update-file-contents
 */







/** Attempts at the compare-and-swap before giving up: enough for dozens of runs in the same second. */
const MAX_ATTEMPTS = 12;
/**
 * Reads the earlier readings from the branch and appends this one. Returns the earlier readings
 * (what the append was based on), or undefined when they could not be read. Never throws: a token
 * that cannot write warns, and the checks still decide on what was read.
 */
async function recordOnBranch(http, location, current, message) {
    const github = new GitHubApi(http, location.github);
    const where = `${location.path} on branch ${location.branch}`;
    let earlier;
    try {
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            const read = await readFile(github, location);
            if (read.kind === 'too-large') {
                log_warning(`history-branch: ${where} is ${Math.round(read.size / 1024 / 1024)} MiB, more than the ${MAX_READ_BYTES / 1024 / 1024} MiB ` +
                    'the action reads; this reading is not added, and max-drop and the trend are not checked. Move older lines to an archive file.');
                return undefined;
            }
            earlier = parseHistory(read.kind === 'file' ? read.text : '');
            const text = `${read.kind === 'file' ? read.text : ''}${historyLine(current, earlier.needsNewline)}`;
            const written = read.kind === 'no-branch'
                ? await createBranch(github, location, text, message)
                : await branch_store_writeFile(github, location, text, message, read);
            if (written) {
                log_info(`history-branch: appended this reading to ${where} (attempt ${attempt}).`);
                return earlier;
            }
            // Another run wrote first: read again, after a short jittered pause so racing runs spread out.
            await (0,external_node_timers_promises_namespaceObject.setTimeout)(Math.round(50 * attempt * (1 + Math.random())));
        }
        log_warning(`history-branch: ${where} kept changing under this run (${MAX_ATTEMPTS} attempts); this reading is not added.`);
        return earlier;
    }
    catch (error) {
        const refused = error instanceof GitHubError && (error.status === 403 || error.status === 404);
        const hint = refused
            ? " The token cannot write the repository's contents: give the job 'permissions: contents: write' (a fork's pull request never can)."
            : '';
        log_warning(`history-branch: ${where} could not be ${earlier ? 'written' : 'read'} (${failureMessage(error)}); this reading is not added.${hint}`);
        return earlier;
    }
}
function repositoryPath(location) {
    const [owner = '', repo = ''] = location.github.repository.split('/');
    return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}
function contentsPath(location) {
    return `${repositoryPath(location)}/contents/${location.path.split('/').map(encodeURIComponent).join('/')}`;
}
async function readFile(github, location) {
    const branch = encodeURIComponent(location.branch);
    let answer;
    try {
        answer = await github.request('GET', `${contentsPath(location)}?ref=${branch}`);
    }
    catch (error) {
        if (!(error instanceof GitHubError && error.status === 404)) {
            throw error;
        }
        // 404 for a missing file and for a missing branch alike: the branch's ref tells which.
        const ref = await github.request('GET', `${repositoryPath(location)}/git/ref/heads/${branch}`).catch((refError) => {
            if (refError instanceof GitHubError && refError.status === 404)
                return undefined;
            throw refError;
        });
        return ref === undefined ? { kind: 'no-branch' } : { kind: 'no-file' };
    }
    if (!isRecord(answer) || answer['type'] !== 'file' || typeof answer['sha'] !== 'string' || typeof answer['size'] !== 'number') {
        throw new GitHubError(200, `GET ${contentsPath(location)}`, ' but not with a file (is history-file a folder on the branch?)');
    }
    const { sha, size } = answer;
    if (size > MAX_READ_BYTES) {
        return { kind: 'too-large', size };
    }
    // Files over 1 MB come without content from the contents API; the blob API gives them up to 100 MB.
    const blob = answer['encoding'] === 'base64' && typeof answer['content'] === 'string' && (answer['content'] || size === 0)
        ? answer
        : await github.request('GET', `${repositoryPath(location)}/git/blobs/${encodeURIComponent(sha)}`);
    const content = isRecord(blob) && blob['encoding'] === 'base64' && typeof blob['content'] === 'string' ? blob['content'] : undefined;
    if (content === undefined) {
        throw new GitHubError(200, `GET ${contentsPath(location)}`, ' but without the base64 content of the file');
    }
    return { kind: 'file', text: Buffer.from(content, 'base64').toString('utf8'), sha };
}
/** The compare-and-swap: false when another run changed the file since it was read. */
async function branch_store_writeFile(github, location, text, message, read) {
    try {
        await github.request('PUT', contentsPath(location), {
            message,
            content: Buffer.from(text, 'utf8').toString('base64'),
            branch: location.branch,
            ...(read.kind === 'file' ? { sha: read.sha } : {})
        });
        return true;
    }
    catch (error) {
        // 409: the sha no longer matches; 422: the file appeared since (no sha was sent).
        if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {
            return false;
        }
        throw error;
    }
}
/** Creates the branch with one orphan commit holding the history file; false when another run created it first. */
async function createBranch(github, location, text, message) {
    const repository = repositoryPath(location);
    const tree = await github.request('POST', `${repository}/git/trees`, {
        tree: [{ path: location.path, mode: '100644', type: 'blob', content: text }]
    });
    const treeSha = isRecord(tree) ? tree['sha'] : undefined;
    const commit = await github.request('POST', `${repository}/git/commits`, { message, tree: treeSha, parents: [] });
    const commitSha = isRecord(commit) ? commit['sha'] : undefined;
    if (typeof treeSha !== 'string' || typeof commitSha !== 'string') {
        throw new GitHubError(201, `POST ${repository}/git/commits`, ' but without the sha of what it created');
    }
    try {
        await github.request('POST', `${repository}/git/refs`, { ref: `refs/heads/${location.branch}`, sha: commitSha });
        log_info(`history-branch: created branch ${location.branch} holding only ${location.path}.`);
        return true;
    }
    catch (error) {
        if (error instanceof GitHubError && error.status === 422) {
            return false;
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./build/src/history/file-store.js
/** The history kept in a file of the workspace (history-file): read (its end, at most), then appended to. */




/**
 * Reads the earlier readings and appends this one. A file it cannot read is left alone (a warning),
 * so a history is never replaced by less than it held. Returns the earlier readings, or undefined.
 */
async function recordInFile(path, workspace, current) {
    let file;
    try {
        const read = await readWorkspaceFile(path, workspace);
        file = read.kind === 'missing' ? parseHistory('') : parseHistory(read.text, read.skippedBytes > 0);
        if (read.kind === 'read' && read.skippedBytes > 0) {
            log_warning(`history-file is larger than the ${MAX_READ_BYTES / 1024 / 1024} MiB the action reads; only its newest ` +
                `${MAX_READ_BYTES / 1024 / 1024} MiB were read (max-drop and the trend still use the latest readings). ` +
                'Move older lines to an archive file to keep it small.');
        }
    }
    catch (error) {
        log_warning(`history-file could not be read (${failureMessage(error)}); it is left untouched and this reading is not added.`);
        return undefined;
    }
    if (file.unreadableLines > 0) {
        log_warning(`history-file has ${file.unreadableLines} line(s) that are not readings; they are kept as they are and left out of the trend.`);
    }
    try {
        await appendWorkspaceFile(path, workspace, historyLine(current, file.needsNewline));
    }
    catch (error) {
        log_warning(`history-file could not be written (${failureMessage(error)}); this reading is not recorded.`);
    }
    return file;
}

;// CONCATENATED MODULE: ./build/src/format.js
/**
 * Numbers as people read them, always in plain decimal (never `1e+21` nor `-3e-7`), with enough
 * precision that a comparison shown is a comparison seen: 339.996 is never shown as "340 is below 340".
 */
/** Display precision of points: whole numbers as they are, fractions to two places. */
const DISPLAY_DECIMALS = 2;
/** Past this, a double holds no fraction worth showing. */
const NO_FRACTION_ABOVE = 1e15;
/** Points for people (`'display'`), or every digit the number holds (`'exact'`, for outputs and files). */
function formatPoints(points, precision = 'display') {
    return precision === 'exact' ? plainDecimal(points) : withDecimals(points, DISPLAY_DECIMALS);
}
/**
 * Two numbers that are compared in one sentence: as {@link formatPoints} shows them, or with as many
 * more decimals as it takes for different numbers to look different.
 */
function formatCompared(value, limit) {
    for (let decimals = DISPLAY_DECIMALS; decimals <= 17; decimals++) {
        const pair = [withDecimals(value, decimals), withDecimals(limit, decimals)];
        if (value === limit || pair[0] !== pair[1]) {
            return pair;
        }
    }
    return [plainDecimal(value), plainDecimal(limit)];
}
/** A difference: like {@link formatPoints}, but one too small for two decimals keeps two significant digits. */
function formatDifference(points) {
    return points !== 0 && Math.abs(points) < 10 ** -DISPLAY_DECIMALS ? plainDecimal(Number(points.toPrecision(2))) : formatPoints(points);
}
function withDecimals(points, decimals) {
    if (!Number.isFinite(points) || Math.abs(points) >= NO_FRACTION_ABOVE) {
        return plainDecimal(points);
    }
    const rounded = Number(points.toFixed(decimals));
    return plainDecimal(Object.is(rounded, -0) ? 0 : rounded);
}
/** The shortest decimal that reads back as `value`, without exponent notation. */
function plainDecimal(value) {
    if (!Number.isFinite(value)) {
        return String(value);
    }
    const [mantissa = '', exponentText] = String(value).split('e');
    if (exponentText === undefined) {
        return mantissa;
    }
    const negative = mantissa.startsWith('-');
    const [whole = '', fraction = ''] = mantissa.replace('-', '').split('.');
    const digits = whole + fraction;
    const point = whole.length + Number(exponentText);
    const text = point <= 0
        ? `0.${'0'.repeat(-point)}${digits}`
        : point >= digits.length
            ? digits + '0'.repeat(point - digits.length)
            : `${digits.slice(0, point)}.${digits.slice(point)}`;
    return negative ? `-${text}` : text;
}

;// CONCATENATED MODULE: ./build/src/net/retry.js
const DEFAULT_BACKOFF = {
    baseDelayMs: 1000,
    maxBackoffMs: 30_000,
    maxRetryAfterMs: 60_000,
    throttleRetryMs: 2000,
    throttleWindowMs: 60_000
};
/** 429 (throttled) and 5xx are transient; any other status is an answer and is never retried. */
function isRetryableStatus(status) {
    return status === 429 || (status >= 500 && status <= 599);
}
/**
 * Parses Retry-After, which is either delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Returns milliseconds from now, or undefined when absent or unreadable.
 */
function parseRetryAfter(value, nowMs) {
    const text = value?.trim();
    if (!text) {
        return undefined;
    }
    if (/^\d+$/.test(text)) {
        return Number(text) * 1000;
    }
    const dateMs = Date.parse(text);
    if (Number.isNaN(dateMs) || !/[a-z]/i.test(text)) {
        return undefined;
    }
    return Math.max(0, dateMs - nowMs);
}
/**
 * Decides whether to retry after `retriesDone` retries. `random` in [0, 1) spreads every wait, so
 * that many runners throttled together do not come back in lockstep:
 * - a Retry-After is honoured (up to {@link RetryPolicy.maxRetryAfterMs}) plus up to 1 s and 10 %;
 * - a 429 without one is retried once after 2-4 s, then waited out past the throttling window;
 * - a 5xx or a network failure backs off exponentially (half fixed, half jitter).
 */
function decideRetry(policy, retriesDone, outcome, nowMs, random) {
    if (retriesDone >= policy.maxRetries) {
        return { retry: false };
    }
    if (outcome.kind === 'network-error' && !outcome.retryable) {
        return { retry: false };
    }
    if (outcome.kind === 'response') {
        if (!isRetryableStatus(outcome.status)) {
            return { retry: false };
        }
        const retryAfterMs = parseRetryAfter(outcome.retryAfter, nowMs);
        if (retryAfterMs !== undefined) {
            const jittered = Math.round(retryAfterMs + random * (1000 + retryAfterMs / 10));
            return retryAfterMs > policy.maxRetryAfterMs
                ? { retry: true, delayMs: policy.maxRetryAfterMs, reason: 'retry-after', cappedFromMs: retryAfterMs }
                : { retry: true, delayMs: Math.min(policy.maxRetryAfterMs, jittered), reason: 'retry-after' };
        }
        if (outcome.status === 429) {
            const first = policy.throttleRetryMs;
            // The first wait is at least `first`, so with the second's floor (window - first) the waits add up past the window.
            const delayMs = retriesDone === 0 ? first + first * random : policy.throttleWindowMs - first + 4 * first * random;
            return { retry: true, delayMs: Math.round(delayMs), reason: 'throttled' };
        }
    }
    const exponential = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** retriesDone);
    return { retry: true, delayMs: Math.round(exponential / 2 + (exponential / 2) * random), reason: 'backoff' };
}

;// CONCATENATED MODULE: ./build/src/net/http.js





const REAL_TIME = {
    now: () => Date.now(),
    sleep: (ms, signal) => (0,external_node_timers_promises_namespaceObject.setTimeout)(ms, undefined, signal ? { signal } : undefined),
    random: () => Math.random()
};
/**
 * A failure that retrying cannot mend, with what to do about it: an answer too large to be data,
 * a header the request may not carry.
 */
class PermanentFailure extends Error {
    hint;
    constructor(message, hint) {
        super(message);
        this.hint = hint;
    }
}
const USER_AGENT = 'defender-secure-score-action';
/** No answer we expect comes near this; a larger one is a misbehaving server, not data. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/**
 * The one door to the network. `@actions/http-client` brings the runner's proxy settings
 * (HTTPS_PROXY, NO_PROXY); this adds a deadline per attempt, a bounded body, and the retry policy.
 * Call {@link dispose} when done: kept-alive sockets would otherwise hold the process open.
 */
class Http {
    timeoutMs;
    policy;
    clock;
    client;
    /** Aborted by {@link dispose}: requests still under way (an extra given up on) end at once. */
    disposal = new AbortController();
    constructor(timeoutMs, policy, clock = REAL_TIME) {
        this.timeoutMs = timeoutMs;
        this.policy = policy;
        this.clock = clock;
        this.client = new lib_HttpClient(USER_AGENT, [], {
            allowRetries: false,
            allowRedirects: false,
            keepAlive: true,
            // Our own deadline below fires first and gives the clearer message; this one reclaims the socket.
            socketTimeout: timeoutMs + 1000
        });
    }
    /**
     * Sends the request, retrying 429, 5xx and network failures as the policy allows. Returns the last
     * response whatever its status (the caller knows the service's error shape); throws
     * {@link ServiceError} when no answer came at all.
     */
    async send(request) {
        const host = new URL(request.url).host;
        const policy = request.retry === false ? { ...this.policy, maxRetries: 0 } : this.policy;
        for (let retriesDone = 0;; retriesDone++) {
            if (this.disposal.signal.aborted) {
                throw new ServiceError(`No answer from ${request.service} (${host}): the action stopped waiting for it.`);
            }
            let response;
            let failure = '';
            let hint = "Check the URL, the runner's network and proxy settings (HTTPS_PROXY, NO_PROXY), or raise timeout-seconds.";
            let outcome;
            try {
                response = await this.attempt(request);
                outcome = { kind: 'response', status: response.status, retryAfter: headerValue(response.headers['retry-after']) };
            }
            catch (error) {
                failure = error instanceof Error ? error.message : String(error);
                const untrusted = isCertificateError(error);
                if (error instanceof PermanentFailure) {
                    hint = error.hint;
                }
                else if (untrusted) {
                    // Node 24 appends advice to run node with --use-system-ca, which an action cannot do; ours replaces it.
                    failure = failure.split(';')[0] ?? failure;
                    hint =
                        "The server's TLS certificate is not trusted. If your network inspects TLS with a private CA, set " +
                            'NODE_EXTRA_CA_CERTS to the PEM file of that CA in the job environment.';
                }
                outcome = { kind: 'network-error', retryable: !untrusted && !(error instanceof PermanentFailure) };
            }
            const decision = decideRetry(policy, retriesDone, outcome, this.clock.now(), this.clock.random());
            if (!decision.retry) {
                if (response) {
                    return response;
                }
                const attempts = retriesDone + 1;
                throw new ServiceError(`No answer from ${request.service} (${host}): ${failure}${attempts > 1 ? ` (${attempts} attempts)` : ''}. ${hint}`);
            }
            const what = response ? `answered HTTP ${response.status}` : `did not answer (${failure})`;
            if (decision.cappedFromMs !== undefined) {
                log_warning(`${request.service} asked to wait ${Math.round(decision.cappedFromMs / 1000)} s before retrying; ` +
                    `waiting ${decision.delayMs / 1000} s, the most this action allows.`);
            }
            log_info(`${request.service} ${what}; retrying in ${(decision.delayMs / 1000).toFixed(1)} s ` +
                `(retry ${retriesDone + 1} of ${policy.maxRetries}).`);
            await this.clock.sleep(decision.delayMs, this.disposal.signal).catch(() => undefined);
        }
    }
    dispose() {
        this.disposal.abort();
        this.client.dispose();
    }
    async attempt(request) {
        let message;
        let timer;
        const deadline = new Promise((_, reject) => {
            timer = setTimeout(() => {
                message?.destroy();
                reject(new Error(`no complete answer within ${this.timeoutMs / 1000} s (timeout-seconds)`));
            }, this.timeoutMs);
        });
        const abort = () => void message?.destroy();
        this.disposal.signal.addEventListener('abort', abort, { once: true });
        const exchange = (async () => {
            const response = await this.client
                .request(request.method, request.url, request.body ?? null, request.headers)
                .catch((error) => {
                throw isInvalidHeader(error)
                    ? new PermanentFailure('the request has a header value with a line break or another character HTTP does not allow', 'A credential or URL holds a character it should not (often a trailing line break pasted into a secret): check the inputs.')
                    : error;
            });
            message = response.message;
            const body = await readBody(response.message);
            return { status: response.message.statusCode ?? 0, headers: response.message.headers, body };
        })();
        // Once the deadline wins, the exchange may still fail later; that is expected, not unhandled.
        exchange.catch(() => undefined);
        try {
            return await Promise.race([exchange, deadline]);
        }
        finally {
            clearTimeout(timer);
            this.disposal.signal.removeEventListener('abort', abort);
        }
    }
}
/**
 * Reads the whole body, failing (instead of crashing) on a reset, a truncation or a flood. Node
 * reports a connection closed before the promised length as an 'aborted' error; a body that stalls
 * is the per-attempt deadline's to end.
 */
function readBody(message) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        message.on('data', (chunk) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                message.destroy();
                reject(new PermanentFailure(`the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, far more than any answer the action reads`, 'Check that the URL is the service the action expects (api-url, authority-host, GITHUB_API_URL); it was not retried, as the same answer would come back.'));
                return;
            }
            chunks.push(chunk);
        });
        message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        message.on('error', error => reject(new Error(`the connection failed while reading the answer (${error.message})`)));
    });
}
/** OpenSSL's verdicts on a peer certificate: retrying cannot help, trusting the right CA can. */
const CERTIFICATE_ERROR_CODES = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
]);
function isInvalidHeader(error) {
    const code = errorCode(error);
    return code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HEADER_VALUE' || code === 'ERR_HTTP_INVALID_HEADER_VALUE';
}
function isCertificateError(error) {
    return CERTIFICATE_ERROR_CODES.has(errorCode(error) ?? '');
}
function headerValue(value) {
    return Array.isArray(value) ? value[0] : value;
}

;// CONCATENATED MODULE: ./build/src/report/badge.js
/**
 * The badge: an SVG file in shields.io's "flat" look, and a static shields.io URL for places that
 * cannot host a file (the pull-request comment). The SVG is drawn here, from shields' own layout and
 * a width table of Verdana 11px for printable ASCII (what a badge of this action holds: a fixed label
 * and a number), rather than with badge-maker, whose font tables are 957 KB that every badge run
 * would load. badge-maker stays a dev dependency: tests compare the two (test/unit/badge.test.ts).
 */

/** Colours of badge-maker's named colours, for the three a badge uses. */
const COLORS = { green: '#67ac09', red: '#dd4343', lightgrey: '#939393' };
const LABEL_COLOR = '#555';
const HORIZONTAL_PADDING = 5;
/**
 * Advance widths of Verdana 11px, in hundredths of a pixel, of the characters U+0020 to U+007E, as
 * shields.io measures them (anafanafo's table). Other characters count as the widest.
 */
const ASCII_WIDTHS = [
    387, 433, 505, 900, 699, 1184, 799, 295, 500, 500, 699, 900, 400, 500, 400, 500, 699, 699, 699, 699, 699, 699, 699, 699, 699, 699, 500,
    500, 900, 900, 900, 600, 1100, 752, 754, 768, 848, 696, 632, 853, 827, 463, 500, 762, 612, 927, 823, 866, 663, 866, 765, 752, 678, 805,
    752, 1088, 754, 677, 754, 500, 500, 500, 900, 699, 699, 661, 685, 573, 685, 655, 387, 685, 696, 302, 379, 651, 302, 1070, 696, 668, 685,
    685, 469, 573, 433, 696, 651, 900, 651, 651, 578, 698, 500, 698, 900
];
const WIDEST = Math.max(...ASCII_WIDTHS);
/**
 * The width shields gives a text: its advance width, rounded down, then up to an odd number of
 * pixels. Summed in pixels, in order, as shields does, so that its rounding is the same to the bit.
 */
function textWidth(text) {
    let pixels = 0;
    for (const character of text) {
        const code = character.codePointAt(0) ?? 0;
        pixels += (code >= 0x20 && code <= 0x7e ? (ASCII_WIDTHS[code - 0x20] ?? WIDEST) : WIDEST) / 100;
    }
    const width = Math.trunc(pixels);
    return width % 2 === 0 ? width + 1 : width;
}
/** The SVG of a flat badge, as badge-maker draws it. */
function renderBadge(badge) {
    const labelWidth = textWidth(badge.label);
    const messageWidth = textWidth(badge.message);
    const leftWidth = labelWidth + 2 * HORIZONTAL_PADDING;
    const width = leftWidth + messageWidth + 2 * HORIZONTAL_PADDING;
    const title = escapeXml(`${badge.label}: ${badge.message}`);
    const text = (content, left, contentWidth) => {
        const x = 10 * (left + 0.5 * contentWidth + HORIZONTAL_PADDING);
        const length = 10 * contentWidth;
        const escaped = escapeXml(content);
        return (`<g transform="scale(.1)"><g aria-hidden="true" fill="#010101">` +
            `<text x="${x}" y="150" fill-opacity=".8" filter="url(#blur)" textLength="${length}">${escaped}</text>` +
            `<text x="${x}" y="150" fill-opacity=".3" textLength="${length}">${escaped}</text></g>` +
            `<text x="${x}" y="140" textLength="${length}">${escaped}</text></g>`);
    };
    return (`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}"><title>${title}</title>` +
        `<filter id="blur"><feGaussianBlur stdDeviation="16"/></filter>` +
        `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
        `<clipPath id="r"><rect width="${width}" height="20" rx="3"/></clipPath>` +
        `<g clip-path="url(#r)"><rect width="${leftWidth}" height="20" fill="${LABEL_COLOR}"/>` +
        `<rect x="${leftWidth}" width="${width - leftWidth}" height="20" fill="${COLORS[badge.color]}"/>` +
        `<rect width="${width}" height="20" fill="url(#s)"/></g>` +
        `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">` +
        text(badge.label, 1, labelWidth) +
        text(badge.message, leftWidth - 1, messageWidth) +
        `</g></svg>`);
}
function escapeXml(text) {
    return text.replace(/[&<>"']/g, character => `&#${character.charCodeAt(0)};`);
}
/** Writes the SVG badge into the workspace. */
async function writeBadge(path, workspace, badge) {
    await writeWorkspaceFile(path, workspace, renderBadge(badge));
}
/** A shields.io static badge: an image URL that needs no hosting. */
function staticBadgeUrl(badge) {
    const part = (text) => encodeURIComponent(text.replace(/-/g, '--').replace(/_/g, '__'));
    return `https://img.shields.io/badge/${part(badge.label)}-${part(badge.message)}-${badge.color}`;
}

;// CONCATENATED MODULE: ./build/src/report/chart.js
/**
 * The trend as a Mermaid `xychart-beta` chart, which GitHub draws in job summaries and comments
 * (https://mermaid.js.org/syntax/xyChart.html). Everything in it is made here from numbers and
 * validated ISO times, so no text from outside can reach the chart's syntax.
 */

/** Readings drawn at most: enough for a month of daily checks, few enough to read the axis. */
const CHART_READINGS = 30;
/**
 * The chart's lines (fenced), or none with fewer than 2 readings. The x axis is labelled with dates
 * (MM-DD, with the time when one day has several readings); `minScore` draws the threshold as a
 * second line.
 */
function trendChart(readings, minScore) {
    const shown = readings.slice(-CHART_READINGS);
    if (shown.length < 2) {
        return [];
    }
    const days = shown.map(entry => entry.time.slice(5, 10));
    const labels = shown.map((entry, index) => days.filter(day => day === days[index]).length > 1 ? `${days[index]} ${entry.time.slice(11, 16)}` : days[index]);
    const values = shown.map(entry => entry.score);
    const lines = [values.map(value => round(value))];
    if (minScore !== undefined) {
        lines.push(shown.map(() => round(minScore)));
    }
    const all = lines.flat();
    const [low, high] = axisRange(Math.min(...all), Math.max(...all));
    return [
        '```mermaid',
        'xychart-beta',
        `  title "Device secure score${minScore === undefined ? '' : `, with min-score ${plainDecimal(round(minScore))}`}"`,
        `  x-axis [${labels.map(label => `"${label}"`).join(', ')}]`,
        `  y-axis "Points" ${plainDecimal(low)} --> ${plainDecimal(high)}`,
        ...lines.map(line => `  line [${line.map(plainDecimal).join(', ')}]`),
        '```'
    ];
}
/** To two decimals, as the summary shows points; a number too large to hold decimals stays as it is. */
function round(value) {
    return Math.abs(value) >= 1e15 ? value : Math.round(value * 100) / 100;
}
/** A y range with some room around the values, on whole numbers. */
function axisRange(low, high) {
    const margin = Math.max(1, (high - low) * 0.1);
    const top = Math.ceil(high + margin);
    return [Math.max(0, Math.floor(low - margin)), Number.isFinite(top) ? top : high];
}

;// CONCATENATED MODULE: ./build/src/gate/checks.js

function evaluateChecks(facts) {
    const checks = [];
    const { score, minScore, exposure, maxExposureScore, previous, maxDrop } = facts;
    if (minScore !== undefined) {
        const passed = score >= minScore;
        const [shownScore, shownLimit] = formatCompared(score, minScore);
        checks.push({
            input: 'min-score',
            limit: minScore,
            value: score,
            passed,
            message: passed
                ? `Device secure score ${shownScore} meets the threshold min-score ${shownLimit}.`
                : `Device secure score ${shownScore} is below the threshold min-score ${shownLimit} (short by ${formatDifference(minScore - score)} points).`
        });
    }
    if (maxExposureScore !== undefined && exposure !== undefined) {
        const passed = exposure <= maxExposureScore;
        const level = exposureLevel(exposure);
        const [shownExposure, shownLimit] = formatCompared(exposure, maxExposureScore);
        checks.push({
            input: 'max-exposure-score',
            limit: maxExposureScore,
            value: exposure,
            passed,
            message: passed
                ? `Exposure score ${shownExposure} (${level}) is within max-exposure-score ${shownLimit}.`
                : `Exposure score ${shownExposure} (${level}) is above the threshold max-exposure-score ${shownLimit} (lower is better).`
        });
    }
    if (maxDrop !== undefined && previous !== undefined) {
        const drop = previous.score - score;
        const passed = drop <= maxDrop;
        const [shownDrop, shownLimit] = formatCompared(drop, maxDrop);
        const readings = `from ${formatPoints(previous.score)} at ${previous.time} to ${formatPoints(score)} at ${facts.time}`;
        checks.push({
            input: 'max-drop',
            limit: maxDrop,
            value: drop,
            passed,
            message: passed
                ? `Device secure score change is within max-drop ${shownLimit} (${readings}).`
                : `Device secure score fell by ${shownDrop} points, more than max-drop ${shownLimit}: ${readings}.`
        });
    }
    const { deviceGroups, maxDeviceGroupExposureScore: maxGroup } = facts;
    if (maxGroup !== undefined) {
        for (const group of deviceGroups ?? []) {
            const passed = group.score <= maxGroup;
            const [shownExposure, shownLimit] = formatCompared(group.score, maxGroup);
            const name = JSON.stringify(group.name);
            checks.push({
                input: 'max-device-group-exposure-score',
                limit: maxGroup,
                value: group.score,
                passed,
                subject: group.name,
                message: passed
                    ? `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is within max-device-group-exposure-score ${shownLimit}.`
                    : `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is above the threshold max-device-group-exposure-score ${shownLimit} (lower is better).`
            });
        }
    }
    return checks;
}
function checksPassed(checks) {
    return checks.every(check => check.passed);
}
/** Microsoft's bands: 0-29 low, 30-69 medium, 70-100 high. */
function exposureLevel(exposure) {
    return exposure < 30 ? 'low' : exposure < 70 ? 'medium' : 'high';
}

;// CONCATENATED MODULE: ./build/src/report/model.js


/** The report of a run: what was read, what it is compared with, and the verdict of every check. */
function buildReport(settings, readings, history) {
    return {
        reading: readings.score,
        exposure: readings.exposure,
        recommendations: readings.recommendations,
        deviceGroups: readings.deviceGroups,
        history,
        checks: evaluateChecks({
            score: readings.score.score,
            time: readings.score.time,
            minScore: settings.minScore,
            exposure: readings.exposure?.score,
            maxExposureScore: settings.maxExposureScore,
            previous: history?.previous,
            maxDrop: settings.maxDrop,
            deviceGroups: readings.deviceGroups?.groups,
            maxDeviceGroupExposureScore: settings.maxDeviceGroupExposureScore
        }),
        enforced: settings.failOnLowScore,
        tenant: settings.tenantId,
        cloud: settings.cloud,
        region: settings.region,
        apiHost: apiHostOf(settings),
        authMethod: settings.credential.method
    };
}
function apiHostOf(settings) {
    return new URL(settings.apiUrl).host;
}
function scoreDelta(report) {
    const previous = report.history?.previous;
    return previous ? report.reading.score - previous.score : undefined;
}
function passed(report) {
    return checksPassed(report.checks);
}
/** Green when every check passed, red when one failed, grey when there was nothing to check (lightgrey: shields' grey is the label's colour). */
function badgeSpec(report) {
    const color = report.checks.length === 0 ? 'lightgrey' : passed(report) ? 'green' : 'red';
    return { label: 'device secure score', message: formatPoints(report.reading.score), color };
}
/** Finds this action's comment among a pull request's comments; one per tenant. */
function commentMarker(report) {
    return `<!-- defender-secure-score-action tenant=${report.tenant.toLowerCase() || 'unspecified'} -->`;
}

;// CONCATENATED MODULE: ./build/src/report/markdown.js
/**
 * Markdown renderings of the report: the job summary and the sticky pull-request comment. Every
 * piece of text that came from outside (the API, the history) goes through {@link inlineText}, so it
 * renders as inert text: no mention, link, image, HTML or table break, and no longer than a cell.
 */





const AUTH_LABELS = {
    oidc: 'GitHub OIDC federated credential',
    secret: 'client secret',
    certificate: 'client certificate',
    token: 'access token given to the action'
};
const CHECK_LABELS = {
    'min-score': 'Score',
    'max-exposure-score': 'Exposure score',
    'max-drop': 'Fall since the previous reading',
    'max-device-group-exposure-score': 'Device group exposure'
};
/** Readings listed in the history table; the chart shows more. */
const TABLE_READINGS = 10;
const SPARKS = '▁▂▃▄▅▆▇█';
/** Markdown for the job summary. */
function renderSummary(report) {
    return [
        ...overview(report),
        ...deviceGroupsSection(report),
        ...recommendationsSection(report),
        ...historySection(report),
        ...footnote()
    ].join('\n');
}
/** GitHub refuses a comment longer than this (HTTP 422), and the old comment would stay. */
const MAX_COMMENT_CHARS = 65_536;
/**
 * Markdown for the sticky pull-request comment: the same facts, with the badge on top. Always fits
 * GitHub's limit: recommendation rows are left out, and said so, until it does.
 */
function renderComment(report, runUrl, maxChars = MAX_COMMENT_CHARS) {
    const badge = badgeSpec(report);
    const render = (rows) => [
        commentMarker(report),
        `![${badge.label}: ${badge.message}](${staticBadgeUrl(badge)})`,
        '',
        ...overview(report),
        ...deviceGroupsSection(report),
        ...recommendationsSection(report, rows),
        ...historyChart(report),
        ...(runUrl ? [`<sub>Updated by [this workflow run](${runUrl}).</sub>`, ''] : []),
        ...footnote()
    ].join('\n');
    for (let rows = report.recommendations?.top.length ?? 0; rows > 0; rows--) {
        const comment = render(rows);
        if (comment.length <= maxChars) {
            return comment;
        }
    }
    return render(0);
}
/** The tracking issue of issue-on-failure: the same report as the comment, under a title that names the tenant. */
function trackingIssueContent(report, runUrl) {
    const marker = `<!-- defender-secure-score-action issue tenant=${report.tenant.toLowerCase() || 'unspecified'} -->`;
    const failed = report.checks.filter(check => !check.passed).map(check => check.input);
    const run = runUrl ? ` ([run](${runUrl}))` : '';
    return {
        marker,
        title: `Device secure score check failing${report.tenant ? ` for tenant ${report.tenant}` : ''}: ${[...new Set(failed)].join(', ')}`,
        body: [
            marker,
            'This issue stays open while the scheduled device secure score check fails, and is closed by the first run that passes every check.',
            '',
            ...overview(report),
            ...deviceGroupsSection(report),
            ...recommendationsSection(report),
            ...historyChart(report),
            ...(runUrl ? [`<sub>Updated by [this workflow run](${runUrl}).</sub>`, ''] : []),
            ...footnote()
        ].join('\n'),
        recovery: `Recovered: score ${formatPoints(report.reading.score)} points at ${report.reading.time}, every check passes${run}.`
    };
}
/** One line for the log when nothing failed. */
function outcomeMessage(report) {
    if (report.checks.length === 0) {
        return `Device secure score is ${formatPoints(report.reading.score)} points (no min-score set, so no threshold to check).`;
    }
    return report.checks.map(check => check.message).join(' ');
}
function overview(report) {
    const [mark, verdict] = verdictOf(report);
    return [
        `## ${mark} Device secure score: ${formatPoints(report.reading.score)} points`,
        '',
        verdict,
        '',
        ...checksTable(report),
        '| | |',
        '|---|---|',
        ...detailRows(report).map(([name, value]) => `| ${name} | ${value} |`),
        ''
    ];
}
function verdictOf(report) {
    const { checks } = report;
    const failed = checks.filter(check => !check.passed);
    if (checks.length === 0) {
        return ['ℹ️', 'No threshold set: the score is reported, nothing is checked.'];
    }
    if (failed.length === 0) {
        return ['✅', checks.length === 1 ? 'The check passed.' : `All ${checks.length} checks passed.`];
    }
    const count = `${failed.length} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failed`;
    return report.enforced ? ['❌', `${count}.`] : ['⚠️', `${count} (a warning only: fail-on-low-score is false).`];
}
function checksTable(report) {
    if (report.checks.length === 0) {
        return [];
    }
    const rows = report.checks.map(check => {
        const [value, limitValue] = formatCompared(check.value, check.limit);
        const limit = `${check.input === 'min-score' ? 'at least' : 'at most'} ${limitValue}`;
        const result = check.passed ? '✅ passed' : report.enforced ? '❌ failed' : '⚠️ failed (warning)';
        const label = check.subject === undefined ? CHECK_LABELS[check.input] : `${CHECK_LABELS[check.input]}: ${inlineText(check.subject)}`;
        return `| ${label} (\`${check.input}\`) | ${limit} | ${value} | ${result} |`;
    });
    return ['| Check | Limit | Value | Result |', '|---|---|---|---|', ...rows, ''];
}
function detailRows(report) {
    const rows = [['Score', `**${formatPoints(report.reading.score)}** points${describeDelta(report)}`]];
    if (report.exposure) {
        const exposure = report.exposure.score;
        rows.push([
            'Exposure score',
            `${formatPoints(exposure)}, ${exposureLevel(exposure)} (0-29 low, 30-69 medium, 70-100 high; lower is better)`
        ]);
    }
    rows.push(['Reported at', inlineText(report.reading.time)], 
    // Tenant and host are validated inputs (a GUID or domain, a URL's host): no backtick can be in them.
    ['Tenant', report.tenant ? `\`${report.tenant}\`` : 'not given'], ['Cloud', report.region ? `${report.cloud} (region ${report.region})` : report.cloud], ['API host', `\`${report.apiHost}\``], ['Signed in with', AUTH_LABELS[report.authMethod]]);
    return rows;
}
function describeDelta(report) {
    const previous = report.history?.previous;
    const delta = scoreDelta(report);
    if (!previous || delta === undefined) {
        return report.history ? ' (first reading of this tenant)' : '';
    }
    const change = delta === 0 ? 'unchanged' : delta > 0 ? `up ${formatPoints(delta)}` : `down ${formatPoints(-delta)}`;
    return `, ${change} since the previous reading (${formatPoints(previous.score)} at ${inlineText(previous.time)})`;
}
function deviceGroupsSection(report) {
    const groups = report.deviceGroups?.groups;
    if (!groups) {
        return [];
    }
    if (groups.length === 0) {
        return ['### Device groups', '', 'None of the device groups asked for is listed by the API.', ''];
    }
    const rows = groups.map(group => `| ${inlineText(group.name)} | ${formatPoints(group.score)} | ${exposureLevel(group.score)} |`);
    return ['### Exposure score by device group', '', '| Device group | Exposure score | Level |', '|---|---|---|', ...rows, ''];
}
function recommendationsSection(report, shownRows = Number.POSITIVE_INFINITY) {
    if (!report.recommendations) {
        return [];
    }
    const { top: items, excepted } = report.recommendations;
    const exceptions = excepted > 0
        ? [`${excepted} recommendation${excepted === 1 ? ' was' : 's were'} left out: the security team granted an exception.`, '']
        : [];
    if (items.length === 0) {
        return ['### Top recommendations', '', 'The API listed no active security recommendations.', '', ...exceptions];
    }
    const shown = items.slice(0, shownRows);
    const rows = shown.map((item, index) => {
        const devices = item.exposedMachines === undefined
            ? ''
            : `${plainDecimal(item.exposedMachines)}${item.totalMachines === undefined ? '' : ` of ${plainDecimal(item.totalMachines)}`}`;
        return `| ${index + 1} | ${inlineText(item.name)} | ${inlineText(item.category)} | ${signed(item.configScoreImpact)} | ${devices} |`;
    });
    const left = items.length - shown.length;
    return [
        `### Top ${items.length} recommendations by score impact`,
        '',
        ...(rows.length > 0
            ? ['| # | Recommendation | Category | Score impact (points) | Exposed devices |', '|---|---|---|---|---|', ...rows, '']
            : []),
        ...(left > 0 ? [`${left} more left out to fit GitHub's limit on the length of a comment; the job summary lists them all.`, ''] : []),
        ...exceptions
    ];
}
function historyChart(report) {
    const chart = trendChart(report.history?.recent ?? [], report.checks.find(check => check.input === 'min-score')?.limit);
    return chart.length > 0 ? [...chart, ''] : [];
}
function historySection(report) {
    const all = report.history?.recent;
    if (!all || all.length < 2) {
        return [];
    }
    const recent = all.slice(-TABLE_READINGS);
    const scores = recent.map(entry => entry.score);
    const first = scores[0] ?? 0;
    const last = scores.at(-1) ?? 0;
    const rows = recent.map((entry, index) => {
        const before = recent[index - 1];
        const change = before ? signed(entry.score - before.score) : '';
        return `| ${inlineText(entry.time)} | ${formatPoints(entry.score)} | ${change} | ${entry.exposure === null ? '' : formatPoints(entry.exposure)} |`;
    });
    return [
        `### Last ${recent.length} readings`,
        '',
        `Trend: \`${sparkline(scores)}\` ${formatPoints(first)} → ${formatPoints(last)} (${signed(last - first)})`,
        '',
        ...historyChart(report),
        '| Time | Score | Change | Exposure |',
        '|---|---|---|---|',
        ...rows,
        ''
    ];
}
function footnote() {
    return [
        '<sub>Microsoft Defender for Endpoint reports the score in points with no documented maximum (higher is better); ' +
            'the time is when the API answered, not when the score was computed.</sub>',
        ''
    ];
}
function sparkline(values) {
    const low = Math.min(...values);
    const high = Math.max(...values);
    return values.map(value => SPARKS[high === low ? 3 : Math.round(((value - low) / (high - low)) * (SPARKS.length - 1))]).join('');
}
function signed(value) {
    return value > 0 ? `+${formatPoints(value)}` : formatPoints(value);
}
/** Longest text from outside shown in one cell; longer is cut with an ellipsis. */
const MAX_CELL_CHARS = 120;
/**
 * Text from outside, inert in GitHub Markdown: control characters shown as escapes, Markdown and
 * HTML punctuation backslash-escaped (no link, image, emphasis, HTML or table break), and mentions
 * (`@team`) and bare URLs broken with a zero-width space so they neither ping nor link.
 */
function inlineText(text, maxChars = MAX_CELL_CHARS) {
    const cut = [...text].length > maxChars ? `${[...text].slice(0, maxChars - 1).join('')}…` : text;
    return (cut
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are shown, not obeyed.
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace(/[\\`*_{}[\]()<>|!~&#$]/g, character => `\\${character}`)
        .replace(/@/g, '@\u200b')
        .replace(/:\/\//g, ':\u200b//')
        .replace(/(w)(ww\.)/gi, '$1\u200b$2'));
}

;// CONCATENATED MODULE: ./build/src/report/outputs.js
/** The step's outputs: their one list, checked against action.yml by a test, and their values. */



const OUTPUT_NAMES = (/* unused pure expression or super */ null && ([
    'score',
    'score-time',
    'min-score',
    'passed',
    'exposure-score',
    'previous-score',
    'score-delta',
    'badge-file',
    'badge-json',
    'comment-url',
    'issue-url',
    'report-json'
]));
function reportOutputs(report, published) {
    const minScore = report.checks.find(check => check.input === 'min-score');
    const delta = scoreDelta(report);
    return {
        score: formatPoints(report.reading.score, 'exact'),
        'score-time': report.reading.time,
        'min-score': minScore ? formatPoints(minScore.limit, 'exact') : '',
        passed: String(passed(report)),
        'exposure-score': report.exposure ? formatPoints(report.exposure.score, 'exact') : '',
        'previous-score': report.history?.previous ? formatPoints(report.history.previous.score, 'exact') : '',
        'score-delta': delta === undefined ? '' : formatPoints(delta, 'exact'),
        'badge-file': published.badgeFile ?? '',
        'badge-json': JSON.stringify({ schemaVersion: 1, ...badgeSpec(report) }),
        'comment-url': published.commentUrl ?? '',
        'issue-url': published.issueUrl ?? '',
        'report-json': reportJson(report, published)
    };
}
/**
 * The version of the report-json document. Changes are additive only: a field is never removed nor
 * changes meaning within a version, so readers may ignore fields they do not know.
 */
const REPORT_SCHEMA_VERSION = 1;
/** The run as one JSON document on one line, for chat webhooks, tickets and archives (schema in the README). */
function reportJson(report, published) {
    const previous = report.history?.previous;
    const document = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        score: report.reading.score,
        time: report.reading.time,
        passed: passed(report),
        enforced: report.enforced,
        checks: report.checks.map(check => ({
            input: check.input,
            ...(check.subject === undefined ? {} : { subject: check.subject }),
            limit: check.limit,
            value: check.value,
            passed: check.passed
        })),
        exposureScore: report.exposure?.score ?? null,
        exposureLevel: report.exposure ? exposureLevel(report.exposure.score) : null,
        previousScore: previous?.score ?? null,
        previousTime: previous?.time ?? null,
        scoreDelta: scoreDelta(report) ?? null,
        recommendations: report.recommendations?.top ?? null,
        exceptedRecommendations: report.recommendations?.excepted ?? null,
        deviceGroups: report.deviceGroups?.groups.map(group => ({
            name: group.name,
            exposureScore: group.score,
            exposureLevel: exposureLevel(group.score)
        })) ?? null,
        tenant: report.tenant,
        cloud: report.cloud,
        region: report.region ?? null,
        apiHost: report.apiHost,
        commentUrl: published.commentUrl ?? null,
        issueUrl: published.issueUrl ?? null
    };
    // JSON.stringify leaves U+2028 and U+2029 as they are; escaped, no line break of any kind reaches the output.
    return JSON.stringify(document).replace(/[\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16)}`);
}

;// CONCATENATED MODULE: ./build/src/signin/jwt.js

/**
 * Reads a JWT's claims without verifying it: only to tell the user which issuer, subject and
 * audience they presented (none of which is secret), never to trust it.
 */
function decodeJwtClaims(token) {
    const payload = token.split('.')[1];
    if (!payload) {
        return undefined;
    }
    const claims = parseJson(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : undefined;
}

;// CONCATENATED MODULE: ./build/src/signin/entra.js






const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FEDERATED_SUBJECT_FORMATS = 'Subjects look like repo:OWNER/REPO:ref:refs/heads/main, repo:OWNER/REPO:ref:refs/tags/v1, ' +
    'repo:OWNER/REPO:environment:NAME or repo:OWNER/REPO:pull_request; repositories created, renamed or ' +
    'transferred since mid-2026 default to immutable subjects such as repo:OWNER@OWNER_ID/REPO@REPO_ID:ref:refs/heads/main.';
/**
 * What to tell the user for the AADSTS codes people hit most. Codes and meanings:
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
const AADSTS_HINTS = new Map([
    [700016, 'Check client-id and tenant-id: the application was not found in this tenant (it may live in another tenant or cloud).'],
    [7000215, "The client-secret is wrong: use the secret's Value (shown once, when it was created), not its Secret ID."],
    [7000222, 'The client secret has expired: create a new one under Certificates & secrets and update the repository secret.'],
    [70021, 'No federated credential on the app matches the ID token this job presented.'],
    [700211, "The federated credential's issuer does not match: it must be https://token.actions.githubusercontent.com."],
    [700212, "The federated credential's audience does not match: it must be api://AzureADTokenExchange unless you set oidc-audience."],
    [700213, "The federated credential's subject does not match the job's."],
    [7000218, 'Neither a secret nor an assertion reached Entra ID: client-secret may be empty.'],
    [
        70011,
        "Check scope: it must be one API's application ID URI followed by /.default, such as https://api.securitycenter.microsoft.com/.default."
    ],
    [700022, 'Check scope: it must name a single API, such as https://api.securitycenter.microsoft.com/.default.'],
    [
        500011,
        'Check scope: the API it names is not known in this tenant (is Defender for Endpoint set up there, and is this the right cloud?).'
    ],
    [65001, 'Grant admin consent: Entra admin center > App registrations > the app > API permissions > Grant admin consent.'],
    [
        53003,
        'Blocked by Conditional Access: ask your administrators to allow this workload identity in the Conditional Access policy for workload identities.'
    ],
    [90002, 'The tenant was not found: check tenant-id, and that authority-host is the sign-in host of your cloud.'],
    [700027, "The client assertion's signature is invalid: the certificate is not registered on the app."],
    [50027, "The client assertion is malformed or expired: check the runner's clock (clock skew) and the assertion's claims."],
    [700024, "The client assertion is malformed or expired: check the runner's clock (clock skew) and the assertion's claims."]
]);
/** Codes whose fix is to make the federated credential match the presented token. */
const FEDERATION_MISMATCH = new Set([70021, 700211, 700212, 700213]);
/** Reads Entra's OAuth error body; undefined when it is not that shape. */
function parseEntraError(body) {
    const json = parseJson(body);
    if (!isRecord(json) || (typeof json['error'] !== 'string' && typeof json['error_description'] !== 'string')) {
        return undefined;
    }
    const description = typeof json['error_description'] === 'string' ? json['error_description'] : undefined;
    const codes = Array.isArray(json['error_codes']) ? json['error_codes'] : [];
    const listed = codes.find((code) => typeof code === 'number');
    const fromText = description?.match(/AADSTS(\d+)/)?.[1];
    return {
        error: typeof json['error'] === 'string' ? json['error'] : undefined,
        description,
        code: listed ?? (fromText === undefined ? undefined : Number(fromText))
    };
}
function presentedAssertion(idToken) {
    const claims = decodeJwtClaims(idToken);
    if (!claims) {
        return undefined;
    }
    const text = (value) => Array.isArray(value) ? value.map(String).join(', ') : value === undefined ? '(none)' : String(value);
    return { issuer: text(claims['iss']), subject: text(claims['sub']), audience: text(claims['aud']) };
}
/** The message for a failed token request: code, Microsoft's description, and what to do. */
function describeTokenFailure(response, assertion) {
    const parsed = parseEntraError(response.body);
    if (!parsed) {
        const retryHint = response.status >= 500 || response.status === 429 ? ' Entra ID is having trouble or throttling; try again later.' : '';
        return (`Entra ID answered the token request with HTTP ${response.status} and a body that is not its documented JSON error ` +
            `(${describeBody(response.body, response.headers)}). Check authority-host.${retryHint}`);
    }
    const code = parsed.code === undefined ? '' : `, AADSTS${parsed.code}`;
    const kind = parsed.error ? ` ${parsed.error}` : '';
    const lines = [`Entra ID refused the token request (HTTP ${response.status}${code}${kind}): ${parsed.description ?? '(no description)'}`];
    const hint = parsed.code === undefined ? undefined : AADSTS_HINTS.get(parsed.code);
    if (hint) {
        lines.push(`Fix: ${hint}`);
    }
    if (assertion && parsed.code !== undefined && FEDERATION_MISMATCH.has(parsed.code)) {
        lines.push(`The ID token GitHub issued for this job has issuer '${assertion.issuer}', subject '${assertion.subject}' ` +
            `and audience '${assertion.audience}'. Add a federated credential to the app with exactly these values ` +
            `(no wildcards). ${FEDERATED_SUBJECT_FORMATS}`);
    }
    return lines.join('\n');
}
/** Obtains a bearer token for the Defender API by the method the settings chose. */
async function acquireAccessToken(settings, http) {
    const { credential } = settings;
    switch (credential.method) {
        case 'token':
            log_info('Signing in: using the bearer token given in access-token.');
            return credential.accessToken;
        case 'secret':
            log_info(`Signing in: client secret of app ${settings.clientId} in tenant ${settings.tenantId}.`);
            return requestToken(settings, http, { client_secret: credential.clientSecret });
        case 'certificate': {
            const { certificate } = credential;
            log_info(`Signing in: certificate ${certificate.certificate.fingerprint256.replace(/:/g, '')} (SHA-256) of app ` +
                `${settings.clientId} in tenant ${settings.tenantId}.`);
            const assertion = signClientAssertion(certificate, settings.clientId, tokenEndpoint(settings), new Date());
            addSecret(assertion);
            return requestToken(settings, http, { client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
        }
        case 'oidc': {
            log_info(`Signing in: GitHub OIDC federated credential of app ${settings.clientId} in tenant ${settings.tenantId}.`);
            const idToken = await requestGitHubIdToken(credential.idTokenRequest, settings.oidcAudience, http);
            const assertion = presentedAssertion(idToken);
            if (assertion) {
                log_debug(`GitHub ID token: issuer '${assertion.issuer}', subject '${assertion.subject}', audience '${assertion.audience}'.`);
            }
            return requestToken(settings, http, { client_assertion_type: ASSERTION_TYPE, client_assertion: idToken }, assertion);
        }
    }
}
/**
 * Asks the runner's endpoint for the job's ID token, as core.getIDToken does, but through {@link Http}:
 * core's client has no deadline, so an endpoint that stalls would hold the job until its timeout
 * (6 hours by default); here it gets timeout-seconds, max-retries and the same messages as the rest.
 */
async function requestGitHubIdToken(request, audience, http) {
    const url = new URL(request.url);
    url.searchParams.set('audience', audience);
    const response = await http.send({
        service: "GitHub's OIDC token endpoint",
        method: 'GET',
        url: url.href,
        headers: { Authorization: `Bearer ${request.bearer}`, Accept: 'application/json' }
    });
    const json = parseJson(response.body);
    const idToken = response.status === 200 && isRecord(json) ? json['value'] : undefined;
    if (typeof idToken !== 'string' || idToken.length === 0) {
        // The body may hold the token itself: say what came back without echoing it.
        throw new ServiceError(`GitHub did not issue an ID token for audience '${audience}' (HTTP ${response.status}, the body is ${describeShape(json)}). ` +
            "Check that the job has 'permissions: id-token: write'; if it has, GitHub may be having trouble: re-run the job.");
    }
    addSecret(idToken);
    return idToken;
}
/** Entra ID's v2.0 token endpoint of the tenant; also the `aud` of a certificate assertion. */
function tokenEndpoint(settings) {
    return `${settings.authorityHost}/${encodeURIComponent(settings.tenantId)}/oauth2/v2.0/token`;
}
async function requestToken(settings, http, credential, assertion) {
    const url = tokenEndpoint(settings);
    const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: settings.clientId,
        scope: settings.scope,
        ...credential
    });
    const response = await http.send({
        service: 'Entra ID',
        method: 'POST',
        url,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString()
    });
    if (response.status !== 200) {
        throw new ServiceError(describeTokenFailure(response, assertion));
    }
    // A successful body holds the token itself: never echo it, only name what is missing.
    const json = parseJson(response.body);
    const token = isRecord(json) ? json['access_token'] : undefined;
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
        throw new ServiceError(`Entra ID answered the token request with HTTP 200 but no usable access_token (none, or one with spaces or line breaks; the body is ${describeShape(json)}). Check authority-host.`);
    }
    addSecret(token);
    return token;
}

;// CONCATENATED MODULE: ./build/src/main.js



















/** Readings the trend shows (chart and table), this run's included. */
const RECENT_READINGS = CHART_READINGS;
/**
 * A run: read the settings, sign in, read the score (and the extras asked for), record it, build the
 * report, publish what was asked for (badge, pull-request comment), set the outputs, write the
 * summary, and let the checks decide the step's outcome.
 */
async function run() {
    let http;
    try {
        const settings = readSettings();
        http = new Http(settings.timeoutMs, { maxRetries: settings.maxRetries, ...DEFAULT_BACKOFF });
        const token = await acquireAccessToken(settings, http);
        const readings = await readDefender(http, settings, token);
        const history = await recordHistory(settings, readings, http);
        const report = buildReport(settings, readings, history);
        const published = await publish(settings, report, http);
        // The verdict comes last and from the report alone: a runner file that cannot be written is
        // said, but never hides it.
        const troubles = [
            ...(await attempt('The outputs could not be set', () => {
                for (const [name, value] of Object.entries(reportOutputs(report, published))) {
                    setOutput(name, value);
                }
            })),
            ...(settings.jobSummary ? await attempt('The job summary could not be written', () => writeSummary(renderSummary(report))) : [])
        ];
        for (const trouble of troubles) {
            log_warning(trouble);
        }
        concludeChecks(report);
    }
    catch (error) {
        if (!isExpectedFailure(error) && error instanceof Error && error.stack) {
            log_debug(error.stack);
        }
        fail(failureMessage(error));
    }
    finally {
        http?.dispose();
    }
}
async function recordHistory(settings, readings, http) {
    const store = settings.history;
    if (!store) {
        return undefined;
    }
    const current = historyEntryOf(readings, settings.tenantId, apiHostOf(settings));
    const earlier = store.kind === 'file'
        ? await recordInFile(store.path, settings.workspace, current)
        : await recordOnBranch(http, store, current, `Device secure score ${formatPoints(current.score, 'exact')} at ${current.time}${settings.runUrl ? `\n\n${settings.runUrl}` : ''}`);
    if (!earlier) {
        return undefined;
    }
    const view = viewHistory(earlier.entries, current, RECENT_READINGS);
    if (view.futureDated > 0) {
        log_warning(`The history has ${view.futureDated} reading(s) of this tenant dated after this run's (${current.time}); they are left out ` +
            "of max-drop and the trend. Check the lines, or the runner's clock.");
    }
    return view;
}
/** The optional extras: none of them may fail the run. */
async function publish(settings, report, http) {
    const published = {};
    if (settings.badgeFile) {
        try {
            await writeBadge(settings.badgeFile, settings.workspace, badgeSpec(report));
            published.badgeFile = settings.badgeFile;
        }
        catch (error) {
            log_warning(`badge-file could not be written: ${failureMessage(error)}`);
        }
    }
    if (settings.pullRequestComment) {
        published.commentUrl = await upsertPullRequestComment(settings.pullRequestComment, commentMarker(report), renderComment(report, settings.runUrl), http);
    }
    if (settings.trackingIssue) {
        published.issueUrl = await trackFailures(http, settings.trackingIssue, !passed(report), trackingIssueContent(report, settings.runUrl));
    }
    return published;
}
function concludeChecks(report) {
    if (passed(report)) {
        log_info(outcomeMessage(report));
        return;
    }
    const failures = report.checks.filter(check => !check.passed).map(check => check.message);
    if (report.enforced) {
        fail(failures.join('\n'));
    }
    else {
        log_warning(`${failures.join('\n')}\nfail-on-low-score is false, so this is a warning.`);
    }
}
/** Runs `work`; returns what went wrong, if anything, as a sentence for a warning. */
async function attempt(what, work) {
    try {
        await work();
        return [];
    }
    catch (error) {
        return [`${what}: ${failureMessage(error)}`];
    }
}
async function writeSummary(markdown) {
    if (!process.env['GITHUB_STEP_SUMMARY']) {
        log_info('No job summary written: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).');
        return;
    }
    await summary.addRaw(markdown).write();
}

;// CONCATENATED MODULE: ./build/src/index.js

void run();

