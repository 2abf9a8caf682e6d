export const id = 916;
export const ids = [916];
export const modules = {

/***/ 916:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  conclude: () => (/* binding */ conclude)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 11 modules
var core = __webpack_require__(369);
// EXTERNAL MODULE: ./build/src/errors.js
var errors = __webpack_require__(406);
// EXTERNAL MODULE: ./build/src/format.js
var format = __webpack_require__(866);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: ./build/src/json.js
var src_json = __webpack_require__(715);
// EXTERNAL MODULE: ./build/src/log.js + 1 modules
var log = __webpack_require__(457);
// EXTERNAL MODULE: ./build/src/net/body.js
var body = __webpack_require__(901);
// EXTERNAL MODULE: ./build/src/net/url-policy.js
var url_policy = __webpack_require__(215);
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
class GitHubError extends errors/* ServiceError */._7 {
    status;
    request;
    rateLimited;
    constructor(status, request, detail, 
    /** GitHub's primary or secondary rate limit, which answers 403 or 429: not a missing permission. */
    rateLimited = false) {
        super(`GitHub's API answered ${request} with HTTP ${status}${detail}`);
        this.status = status;
        this.request = request;
        this.rateLimited = rateLimited;
    }
    /** 403 or 404 that is a refusal of the token (not a rate limit): the job's permissions are the fix. */
    get refusedPermission() {
        return (this.status === 403 || this.status === 404) && !this.rateLimited;
    }
}
/**
 * What to add to a failure of GitHub's API: for a refusal, the permission the job needs; for a rate
 * limit, that it is one (GitHub answers it with 403 as well as 429).
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
function gitHubHint(error, permission) {
    if (!(error instanceof GitHubError)) {
        return '';
    }
    if (error.rateLimited) {
        return " GitHub's API rate limit for this token is spent: run less often, or wait for the limit to reset.";
    }
    return error.refusedPermission ? ` The token cannot do this: give the job 'permissions: ${permission}'.` : '';
}
/** `heads/<branch>` for the git refs endpoints, whose {ref} is several path segments: a branch's slashes stay slashes. */
function branchRefPath(branch) {
    return `heads/${branch.split('/').map(encodeURIComponent).join('/')}`;
}
class GitHubApi {
    http;
    target;
    constructor(http, target) {
        this.http = http;
        this.target = target;
    }
    /** `/repos/{owner}/{repo}` of GITHUB_REPOSITORY, the start of every path the action asks for. */
    get repositoryPath() {
        const [owner = '', repo = ''] = this.target.repository.split('/');
        return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
    }
    /** `path` is below the API URL, e.g. `/repos/o/r/issues/1/comments`. */
    async request(method, path, body, limits = {}) {
        const response = await this.send(method, `${this.target.apiUrl}${path}`, body, limits);
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
                throw new GitHubError(response.status, `GET ${path}`, ` but not with a list (${(0,body/* describeBody */.M)(response.body, response.headers)})`);
            }
            items.push(...data.filter(src_json/* isRecord */.u4));
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
        const data = (0,src_json/* isRecord */.u4)(json) ? json['data'] : undefined;
        const viewer = (0,src_json/* isRecord */.u4)(data) ? data['viewer'] : undefined;
        const login = (0,src_json/* isRecord */.u4)(viewer) ? viewer['login'] : undefined;
        if (typeof login !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(login)) {
            throw new GitHubError(response.status, 'POST /graphql (viewer)', ` but without the login of the token's identity (${(0,body/* describeBody */.M)(response.body, response.headers)})`);
        }
        return login;
    }
    async send(method, url, body, limits = {}) {
        return this.http.send({
            ...limits,
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
            const json = (0,src_json/* parseJson */.qF)(response.body);
            const message = (0,src_json/* isRecord */.u4)(json) && typeof json['message'] === 'string' ? json['message'] : undefined;
            const detail = message === undefined
                ? ` (${(0,body/* describeBody */.M)(response.body, response.headers)})`
                : `: ${[message, ...errorMessages(json)].join('; ').slice(0, 500)}`;
            const rateLimited = (response.status === 403 || response.status === 429) &&
                (response.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? ''));
            throw new GitHubError(response.status, request, detail, rateLimited);
        }
        const json = (0,src_json/* parseJson */.qF)(response.body);
        if (json === undefined) {
            throw new GitHubError(response.status, request, ` but not with JSON (${(0,body/* describeBody */.M)(response.body, response.headers)})`);
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
        if (url.origin !== new URL(this.target.apiUrl).origin || !(0,url_policy/* mayCarryTokens */.lv)(url)) {
            throw new errors/* ServiceError */._7(`GitHub's API pointed the next page at ${url.origin}, not at ${new URL(this.target.apiUrl).origin}; ` +
                'the action sends its token only to the configured API (GITHUB_API_URL), so the listing was not followed.');
        }
        return url.href;
    }
}
/** The reasons in a 422's `errors` list: `errors[].message`, or `field code` where there is no message. */
function errorMessages(json) {
    const errors = (0,src_json/* isRecord */.u4)(json) && Array.isArray(json['errors']) ? json['errors'] : [];
    return errors.slice(0, 5).flatMap(item => {
        if (typeof item === 'string')
            return [item];
        if (!(0,src_json/* isRecord */.u4)(item))
            return [];
        if (typeof item['message'] === 'string')
            return [item['message']];
        const parts = [item['field'], item['code']].filter((part) => typeof part === 'string');
        return parts.length > 0 ? [parts.join(' ')] : [];
    });
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
        (0,log/* info */.pq)(`comment-on-pr: skipped, this run's event is '${target.eventName || 'unknown'}', not a pull request.`);
        return undefined;
    }
    const number = await pullRequestNumber(target.eventPath);
    const [owner, repo] = target.github.repository.split('/');
    if (number === undefined || !owner || !repo) {
        (0,log/* warning */.$e)('comment-on-pr: skipped, the runner gave no pull request number (GITHUB_EVENT_PATH) or repository (GITHUB_REPOSITORY).');
        return undefined;
    }
    const github = new GitHubApi(http, target.github);
    const repository = github.repositoryPath;
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
        (0,log/* info */.pq)(`${created?.id === keeper.id ? 'Created' : 'Updated'} the comment on pull request #${number}: ${keeper.url}`);
        return keeper.url;
    }
    catch (error) {
        (0,log/* warning */.$e)(`Could not comment on pull request #${number}: ${describeFailure(error)}`);
        return undefined;
    }
}
function toComment(value) {
    if (!(0,src_json/* isRecord */.u4)(value) || typeof value['id'] !== 'number' || !(0,src_json/* isRecord */.u4)(value['user'])) {
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
        if ((await (0,promises_.stat)(eventPath)).size > MAX_EVENT_BYTES) {
            return undefined;
        }
        const payload = (0,src_json/* parseJson */.qF)(await (0,promises_.readFile)(eventPath, 'utf8'));
        const pullRequest = (0,src_json/* isRecord */.u4)(payload) ? payload['pull_request'] : undefined;
        const number = (0,src_json/* isRecord */.u4)(pullRequest) ? pullRequest['number'] : undefined;
        return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined;
    }
    catch {
        return undefined;
    }
}
/** Why GitHub's API did not take the comment, and for a refusal, what to do. */
function describeFailure(error) {
    const status = error instanceof GitHubError ? error.status : undefined;
    const hint = error instanceof GitHubError && error.refusedPermission
        ? " The token cannot write here: pull requests from forks get a read-only token; otherwise give the job 'permissions: pull-requests: write'."
        : status !== undefined && status >= 300 && status < 400
            ? ' GitHub redirected the request: check GITHUB_API_URL (the repository may have moved).'
            : gitHubHint(error, 'pull-requests: write');
    return `${(0,errors/* failureMessage */.oh)(error).replace(/\.$/, '')}.${hint}`;
}

;// CONCATENATED MODULE: ./build/src/github/tracking-issue.js
/**
 * issue-on-failure: one open issue per tenant while checks fail. Created by the first failing run,
 * updated by later ones (never a second issue), commented on and closed by the first run that
 * passes every check. Like the sticky comment, it touches only issues its own token's identity
 * created and marked: an issue by anyone else that carries the marker is never edited or closed.
 * The action's issues carry {@link TRACKING_LABEL}, so a run finds its issue by listing that label's
 * open issues (a page or two), however many other issues and pull requests are open.
 */





/** The label on every tracking issue: the listing that finds them is bounded by it. */
const TRACKING_LABEL = 'defender-secure-score';
/**
 * Keeps each tenant's tracking issue in step with its verdict: one question for the token's identity
 * and one labelled listing for the whole run, however many tenants. Returns each tenant's issue page,
 * if it has one; never throws.
 */
async function trackFailures(http, target, tenants) {
    const github = new GitHubApi(http, target);
    const issues = `${github.repositoryPath}/issues`;
    const urls = tenants.map(() => undefined);
    try {
        const me = await github.viewerLogin();
        const open = async () => (await github.list(`${issues}?state=open&labels=${encodeURIComponent(TRACKING_LABEL)}`))
            .filter(item => !('pull_request' in item))
            .flatMap(toIssue)
            .filter(issue => issue.author.toLowerCase() === me.toLowerCase())
            .sort((a, b) => a.number - b.number);
        let listed = await open();
        const mine = (content) => listed.filter(issue => isOwnedBy(issue, me, content.marker));
        const untracked = tenants.filter(tenant => tenant.failed && mine(tenant.content).length === 0);
        if (untracked.length > 0) {
            await ensureLabel(github);
            for (const { content } of untracked) {
                await github.request('POST', issues, { title: content.title, body: content.body, labels: [TRACKING_LABEL] });
            }
            listed = await open();
        }
        for (const [index, { failed, content }] of tenants.entries()) {
            urls[index] = failed
                ? await keepOpen(github, issues, mine(content), content)
                : await closeRecovered(github, issues, mine(content), content);
        }
    }
    catch (error) {
        (0,log/* warning */.$e)(`issue-on-failure: the tracking issue could not be kept (${(0,errors/* failureMessage */.oh)(error).replace(/\.$/, '')}).${gitHubHint(error, 'issues: write')}`);
    }
    return urls;
}
async function closeRecovered(github, issues, mine, content) {
    for (const issue of mine) {
        await github.request('POST', `${issues}/${issue.number}/comments`, { body: content.recovery });
        await github.request('PATCH', `${issues}/${issue.number}`, { state: 'closed', state_reason: 'completed' });
        (0,log/* info */.pq)(`issue-on-failure: every check passes again; closed ${issue.url}.`);
    }
    return mine[0]?.url;
}
async function keepOpen(github, issues, mine, content) {
    const [keeper, ...duplicates] = mine;
    if (!keeper) {
        throw new GitHubError(201, `POST ${issues}`, `: the issue just created is not listed with the label '${TRACKING_LABEL}' (GitHub drops labels a token may not set; give the job 'permissions: issues: write')`);
    }
    // Runs that raced this one may have opened one each: close all but the oldest, pointing to it.
    for (const duplicate of duplicates) {
        await github.request('POST', `${issues}/${duplicate.number}/comments`, { body: `${content.marker}\nDuplicate of #${keeper.number}.` });
        await github.request('PATCH', `${issues}/${duplicate.number}`, { state: 'closed', state_reason: 'not_planned' });
    }
    await github.request('PATCH', `${issues}/${keeper.number}`, { title: content.title, body: content.body });
    (0,log/* info */.pq)(`issue-on-failure: ${keeper.url} tracks the failing checks.`);
    return keeper.url;
}
/** Creates the label if the repository lacks it; one that exists already (422) is what was wanted. */
async function ensureLabel(github) {
    try {
        await github.request('POST', `${github.repositoryPath}/labels`, {
            name: TRACKING_LABEL,
            color: 'b60205',
            description: 'Opened by the Defender secure score action while a scheduled check fails'
        });
    }
    catch (error) {
        if (!(error instanceof GitHubError && error.status === 422)) {
            throw error;
        }
    }
}
function toIssue(value) {
    const { number, body, html_url: url, user } = value;
    const login = (0,src_json/* isRecord */.u4)(user) ? user['login'] : undefined;
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

// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(500);
// EXTERNAL MODULE: ./build/src/files/workspace.js + 2 modules
var files_workspace = __webpack_require__(809);
;// CONCATENATED MODULE: ./build/src/history/history.js

/** A reading dated this much after the current one is taken as clock skew, not as the future. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);
/** This run's reading, as a line of the history. */
function historyEntryOf(readings, tenant, apiHost, run) {
    return { time: readings.score.time, score: readings.score.score, exposure: readings.exposure?.score ?? null, tenant, apiHost, run };
}
/**
 * Reads JSON Lines, as bytes: a line that is not valid UTF-8 is unreadable (counted, and kept byte
 * for byte by whoever rewrites the file). `partialStart`: the bytes are the end of a longer file, so
 * the first line may be cut and is skipped.
 */
function parseHistory(content, partialStart = false) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const entries = [];
    let unreadableLines = 0;
    const lines = splitLines(bytes.subarray(0, 3).equals(BYTE_ORDER_MARK) ? bytes.subarray(3) : bytes);
    for (const line of partialStart ? lines.slice(1) : lines) {
        const text = decodeUtf8(line);
        if (text?.trim() === '') {
            continue;
        }
        const entry = text === undefined ? undefined : toEntry(text);
        if (entry) {
            entries.push(entry);
        }
        else {
            unreadableLines++;
        }
    }
    return { entries, unreadableLines, needsNewline: bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE };
}
/** The warning for lines that are not readings, the same for every store. */
function unreadableLinesWarning(where, count) {
    return `${where} has ${count} line(s) that are not readings; they are kept as they are and left out of the trend.`;
}
const NEWLINE = 0x0a;
function splitLines(bytes) {
    const lines = [];
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
        lines.push(bytes.subarray(start, end));
        start = end + 1;
    }
    lines.push(bytes.subarray(start));
    return lines;
}
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function decodeUtf8(bytes) {
    try {
        return STRICT_UTF8.decode(bytes);
    }
    catch {
        return undefined;
    }
}
function toEntry(line) {
    const value = (0,src_json/* parseJson */.qF)(line);
    if (!(0,src_json/* isRecord */.u4)(value)) {
        return undefined;
    }
    const { time, score, exposure, tenant, apiHost, run } = value;
    const validExposure = exposure === null || exposure === undefined || (typeof exposure === 'number' && Number.isFinite(exposure));
    if (!(0,src_json/* isIsoDateTime */.Xi)(time) || typeof score !== 'number' || !Number.isFinite(score) || score < 0 || !validExposure) {
        return undefined;
    }
    return {
        time,
        score,
        exposure: typeof exposure === 'number' ? exposure : null,
        tenant: typeof tenant === 'string' ? tenant : '',
        apiHost: typeof apiHost === 'string' ? apiHost : '',
        ...(typeof run === 'string' ? { run } : {})
    };
}
/** Tenant IDs and domain names are case-insensitive: Contoso.onmicrosoft.com is contoso.onmicrosoft.com. */
function sameTenant(a, b) {
    return a.toLowerCase() === b.toLowerCase();
}
/** The same tenant's earlier readings, in time order, as the summary and the max-drop check see them. */
function viewHistory(entries, current, keep) {
    const now = Date.parse(current.time);
    const tenant = entries.filter(entry => sameTenant(entry.tenant, current.tenant) && !isSameRun(entry, current));
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
/** Whether `entry` is the line `current`'s own run wrote (its write landed though its answer was lost). */
function isSameRun(entry, current) {
    return entry.run !== undefined && entry.run === current.run;
}
/** The lines to append for a run's readings, one per tenant. */
function historyLines(entries, needsNewline) {
    return `${needsNewline ? '\n' : ''}${entries.map(entry => `${JSON.stringify(entry)}\n`).join('')}`;
}

;// CONCATENATED MODULE: ./build/src/history/branch-store.js
/**
 * The history kept on a branch of the repository (history-branch), read and written only through
 * GitHub's REST API: no checkout, nothing in the workspace. Each run appends one line with a
 * compare-and-swap (the contents API's blob `sha`), and starts again from a fresh read when another
 * run wrote first, so runs that race lose no reading. A missing branch is created holding only the
 * history (an orphan commit, like gh-pages), not a copy of the default branch. The file is kept as
 * bytes: lines the action cannot read (not UTF-8, not a reading) are written back exactly as they were.
 * https://docs.github.com/rest/repos/contents#create-or-update-file-contents
 */







/** Attempts at the compare-and-swap before giving up: enough for dozens of runs in the same second. */
const MAX_ATTEMPTS = 12;
/**
 * The largest blob API answer for a history of {@link MAX_READ_BYTES}: base64 (4 bytes for 3) with
 * a line break every 60 characters, as GitHub sends it, and room for the JSON around it.
 */
const MAX_BLOB_ANSWER_BYTES = Math.ceil(((files_workspace/* MAX_READ_BYTES */.qT * 4) / 3) * (61 / 60)) + 64 * 1024;
/**
 * Reads the earlier readings from the branch and appends this run's, one line per tenant, in one
 * commit (one compare-and-swap however many tenants). Returns the earlier readings (what
 * the append was based on), or why they could not be read. Never throws: a token that cannot write
 * warns, and the checks still decide on what was read.
 */
async function recordOnBranch(http, location, current, message) {
    const github = new GitHubApi(http, location.github);
    const where = `${location.path} on branch ${location.branch}`;
    let earlier;
    /** The refusal of the last write, and the state of the file it was based on. */
    let lastConflict;
    try {
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            const read = await readFile(github, location, where);
            if (read.kind === 'unusable') {
                const reason = `history-branch: ${where} ${read.why}`;
                (0,log/* warning */.$e)(`${reason}; this reading is not added.`);
                return { kind: 'unavailable', reason };
            }
            const state = read.kind === 'file' ? read.sha : read.kind;
            if (lastConflict?.state === state) {
                // Nothing changed since the refused write: GitHub refused it (a ruleset, a protected branch), no run raced it.
                throw lastConflict.error;
            }
            const file = parseHistory(read.kind === 'file' ? read.bytes : '');
            earlier = { kind: 'read', file };
            if (file.entries.some(entry => current.some(own => isSameRun(entry, own)))) {
                (0,log/* info */.pq)(`history-branch: this run's reading is already in ${where} (an earlier attempt's answer was lost); not added twice.`);
                return finish(earlier, where);
            }
            const line = Buffer.from(historyLines(current, file.needsNewline), 'utf8');
            const outcome = read.kind === 'no-branch'
                ? await createBranch(github, location, line, message)
                : await writeFile(github, location, Buffer.concat([read.kind === 'file' ? read.bytes : Buffer.alloc(0), line]), message, read);
            if (outcome === 'written') {
                (0,log/* info */.pq)(`history-branch: appended this reading to ${where} (attempt ${attempt}).`);
                return finish(earlier, where);
            }
            lastConflict = { error: outcome, state };
            // Another run may have written first: read again, after a short jittered pause so racing runs spread out.
            await (0,external_node_timers_promises_.setTimeout)(Math.round(50 * attempt * (1 + Math.random())));
        }
        (0,log/* warning */.$e)(`history-branch: ${where} kept changing under this run (${MAX_ATTEMPTS} attempts); this reading is not added.`);
        return finish(earlier ?? { kind: 'unavailable', reason: `history-branch: ${where} kept changing` }, where);
    }
    catch (error) {
        const what = earlier ? 'written' : 'read';
        const reason = `history-branch: ${where} could not be ${what} (${(0,errors/* failureMessage */.oh)(error).replace(/\.$/, '')})`;
        (0,log/* warning */.$e)(`${reason}; this reading is not added.${gitHubHint(error, 'contents: write')}${forkNote(error)}`);
        return earlier ? finish(earlier, where) : { kind: 'unavailable', reason };
    }
}
function forkNote(error) {
    return error instanceof GitHubError && error.refusedPermission ? " (A fork's pull request never can.)" : '';
}
function finish(earlier, where) {
    if (earlier.kind === 'read' && earlier.file.unreadableLines > 0) {
        (0,log/* warning */.$e)(unreadableLinesWarning(where, earlier.file.unreadableLines));
    }
    return earlier;
}
function contentsPath(github, location) {
    return `${github.repositoryPath}/contents/${location.path.split('/').map(encodeURIComponent).join('/')}`;
}
/** What the contents API answers for a path that is not a file, in words. */
const NOT_A_FILE = {
    dir: 'is a folder, not a file',
    symlink: 'is a symbolic link, not a file (the action does not follow links)',
    submodule: 'is a submodule, not a file'
};
async function readFile(github, location, where) {
    let answer;
    try {
        answer = await github.request('GET', `${contentsPath(github, location)}?ref=${encodeURIComponent(location.branch)}`);
    }
    catch (error) {
        if (!(error instanceof GitHubError && error.status === 404)) {
            throw error;
        }
        // 404 for a missing file and for a missing branch alike: the branch's ref tells which.
        const ref = await github
            .request('GET', `${github.repositoryPath}/git/ref/${branchRefPath(location.branch)}`)
            .catch((refError) => {
            if (refError instanceof GitHubError && refError.status === 404)
                return undefined;
            throw refError;
        });
        return ref === undefined ? { kind: 'no-branch' } : { kind: 'no-file' };
    }
    if (Array.isArray(answer)) {
        return { kind: 'unusable', why: NOT_A_FILE['dir'] ?? '' };
    }
    const type = (0,src_json/* isRecord */.u4)(answer) ? answer['type'] : undefined;
    if (typeof type === 'string' && type !== 'file') {
        return { kind: 'unusable', why: NOT_A_FILE[type] ?? `is a ${JSON.stringify(type).slice(0, 40)}, not a file` };
    }
    if (!(0,src_json/* isRecord */.u4)(answer) || typeof answer['sha'] !== 'string' || typeof answer['size'] !== 'number') {
        throw new GitHubError(200, `GET ${contentsPath(github, location)}`, ' but not with the sha and size of a file');
    }
    const { sha, size } = answer;
    if (size > files_workspace/* MAX_READ_BYTES */.qT) {
        return {
            kind: 'unusable',
            why: `is ${Math.round(size / 1024 / 1024)} MiB, more than the ${files_workspace/* MAX_READ_BYTES */.qT / 1024 / 1024} MiB the action reads. Move older lines to an archive file`
        };
    }
    // Files over 1 MB come without content from the contents API; the blob API gives them up to 100 MB.
    const blob = answer['encoding'] === 'base64' && typeof answer['content'] === 'string' && (answer['content'] || size === 0)
        ? answer
        : await github.request('GET', `${github.repositoryPath}/git/blobs/${encodeURIComponent(sha)}`, undefined, {
            maxBodyBytes: MAX_BLOB_ANSWER_BYTES,
            tooLargeHint: `${where} is larger than the ${files_workspace/* MAX_READ_BYTES */.qT / 1024 / 1024} MiB the action reads: move older lines to an archive file.`
        });
    const content = (0,src_json/* isRecord */.u4)(blob) && blob['encoding'] === 'base64' && typeof blob['content'] === 'string' ? blob['content'] : undefined;
    if (content === undefined) {
        throw new GitHubError(200, `GET ${contentsPath(github, location)}`, ' but without the base64 content of the file');
    }
    return { kind: 'file', bytes: Buffer.from(content, 'base64'), sha };
}
/** The compare-and-swap: the refusal when GitHub did not take it (another run wrote first, or a refusal the next read tells apart). */
async function writeFile(github, location, bytes, message, read) {
    try {
        await github.request('PUT', contentsPath(github, location), {
            message,
            content: bytes.toString('base64'),
            branch: location.branch,
            ...(read.kind === 'file' ? { sha: read.sha } : {})
        });
        return 'written';
    }
    catch (error) {
        // 409: the sha no longer matches; 422: the file appeared since (no sha was sent). Or a refusal with the same codes.
        if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {
            return error;
        }
        throw error;
    }
}
/** Creates the branch with one orphan commit holding the history file; the refusal when it was not created. */
async function createBranch(github, location, line, message) {
    const repository = github.repositoryPath;
    const tree = await github.request('POST', `${repository}/git/trees`, {
        tree: [{ path: location.path, mode: '100644', type: 'blob', content: line.toString('utf8') }]
    });
    const treeSha = (0,src_json/* isRecord */.u4)(tree) ? tree['sha'] : undefined;
    const commit = await github.request('POST', `${repository}/git/commits`, { message, tree: treeSha, parents: [] });
    const commitSha = (0,src_json/* isRecord */.u4)(commit) ? commit['sha'] : undefined;
    if (typeof treeSha !== 'string' || typeof commitSha !== 'string') {
        throw new GitHubError(201, `POST ${repository}/git/commits`, ' but without the sha of what it created');
    }
    try {
        await github.request('POST', `${repository}/git/refs`, { ref: `refs/heads/${location.branch}`, sha: commitSha });
        (0,log/* info */.pq)(`history-branch: created branch ${location.branch} holding only ${location.path}.`);
        return 'written';
    }
    catch (error) {
        if (error instanceof GitHubError && (error.status === 409 || error.status === 422)) {
            return error;
        }
        throw error;
    }
}

;// CONCATENATED MODULE: ./build/src/history/file-store.js
/** The history kept in a file of the workspace (history-file): read (its end, at most), then appended to. */




/**
 * Reads the earlier readings and appends this run's, one line per tenant, in one write. A file it cannot read is left alone, so a history
 * is never replaced by less than it held, and the reason is returned: a check that needs the history
 * then cannot be evaluated.
 */
async function recordInFile(path, workspace, current) {
    let file;
    try {
        const read = await (0,files_workspace/* readWorkspaceFile */.sL)(path, workspace);
        file = read.kind === 'missing' ? parseHistory('') : parseHistory(read.bytes, read.skippedBytes > 0);
        if (read.kind === 'read' && read.skippedBytes > 0) {
            (0,log/* warning */.$e)(`history-file is larger than the ${files_workspace/* MAX_READ_BYTES */.qT / 1024 / 1024} MiB the action reads; only its newest ` +
                `${files_workspace/* MAX_READ_BYTES */.qT / 1024 / 1024} MiB were read (max-drop and the trend still use the latest readings). ` +
                'Move older lines to an archive file to keep it small.');
        }
    }
    catch (error) {
        const reason = `history-file could not be read (${(0,errors/* failureMessage */.oh)(error)})`;
        (0,log/* warning */.$e)(`${reason}; it is left untouched and this reading is not added.`);
        return { kind: 'unavailable', reason };
    }
    if (file.unreadableLines > 0) {
        (0,log/* warning */.$e)(unreadableLinesWarning('history-file', file.unreadableLines));
    }
    try {
        await (0,files_workspace/* appendWorkspaceFile */.SO)(path, workspace, historyLines(current, file.needsNewline));
    }
    catch (error) {
        (0,log/* warning */.$e)(`history-file could not be written (${(0,errors/* failureMessage */.oh)(error)}); this reading is not recorded.`);
    }
    return { kind: 'read', file };
}

// EXTERNAL MODULE: ./build/src/net/http.js
var http = __webpack_require__(41);
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
    await (0,files_workspace/* writeWorkspaceFile */.dx)(path, workspace, renderBadge(badge));
}
/**
 * A tenant's label as a file name for badge-file's `{tenant}`: letters, digits, `.`, `_` and `-`
 * kept, runs of anything else one `-`; `tenant-N` (its place in tenant-id) when nothing is left.
 */
function badgeFileName(label, index) {
    const safe = label
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^[-.]+|[-.]+$/g, '')
        .slice(0, 100);
    return safe || `tenant-${index + 1}`;
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
 * (see {@link distinctLabels}); `minScore` draws the threshold as a second line.
 */
function trendChart(readings, minScore) {
    const shown = readings.slice(-CHART_READINGS);
    if (shown.length < 2) {
        return [];
    }
    const labels = distinctLabels(shown.map(entry => entry.time));
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
        `  title "Device secure score${minScore === undefined ? '' : `, with min-score ${(0,format/* plainDecimal */.mr)(round(minScore))}`}"`,
        `  x-axis [${labels.map(label => `"${label}"`).join(', ')}]`,
        `  y-axis "Points" ${(0,format/* plainDecimal */.mr)(low)} --> ${(0,format/* plainDecimal */.mr)(high)}`,
        ...lines.map(line => `  line [${line.map(format/* plainDecimal */.mr).join(', ')}]`),
        '```'
    ];
}
/** The precisions a label is tried at, shortest first: MM-DD, then with the time, the year, the seconds. */
const LABEL_FORMS = [
    time => time.slice(5, 10),
    time => `${time.slice(5, 10)} ${time.slice(11, 16)}`,
    time => `${time.slice(0, 10)} ${time.slice(11, 16)}`,
    time => `${time.slice(0, 10)} ${time.slice(11, 19)}`
];
/**
 * One label per reading, no two alike (Mermaid's band axis merges equal labels, and two readings
 * would share one point): each reading gets the shortest form no other reading shares, and readings
 * equal to the second are numbered. Forms differ in length, so labels of different forms never meet.
 */
function distinctLabels(times) {
    return times.map((time, index) => {
        for (const form of LABEL_FORMS) {
            const label = form(time);
            if (times.every((other, otherIndex) => otherIndex === index || form(other) !== label)) {
                return label;
            }
        }
        return `${LABEL_FORMS.at(-1)?.(time) ?? time} #${index + 1}`;
    });
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

const COULD_NOT = 'could not be evaluated';
/** Names of device groups a message lists at most. */
const MAX_NAMES_LISTED = 10;
function evaluateChecks(facts) {
    return [...scoreCheck(facts), ...exposureCheck(facts), ...dropCheck(facts), ...deviceGroupChecks(facts)];
}
function scoreCheck({ score, minScore }) {
    if (minScore === undefined) {
        return [];
    }
    const passed = score >= minScore;
    const [shownScore, shownLimit] = (0,format/* formatCompared */.dt)(score, minScore);
    return [
        {
            input: 'min-score',
            limit: minScore,
            value: score,
            passed,
            message: passed
                ? `Device secure score ${shownScore} meets the threshold min-score ${shownLimit}.`
                : `Device secure score ${shownScore} is below the threshold min-score ${shownLimit} (short by ${(0,format/* formatDifference */.jR)(minScore - score)} points).`
        }
    ];
}
function exposureCheck({ exposure, maxExposureScore }) {
    if (maxExposureScore === undefined) {
        return [];
    }
    if (exposure === undefined) {
        return [unevaluated('max-exposure-score', maxExposureScore, 'the exposure score was not read', 'Exposure score')];
    }
    const passed = exposure <= maxExposureScore;
    const level = exposureLevel(exposure);
    const [shownExposure, shownLimit] = (0,format/* formatCompared */.dt)(exposure, maxExposureScore);
    return [
        {
            input: 'max-exposure-score',
            limit: maxExposureScore,
            value: exposure,
            passed,
            message: passed
                ? `Exposure score ${shownExposure} (${level}) is within max-exposure-score ${shownLimit}.`
                : `Exposure score ${shownExposure} (${level}) is above the threshold max-exposure-score ${shownLimit} (lower is better).`
        }
    ];
}
function dropCheck({ score, time, history, maxDrop }) {
    if (maxDrop === undefined) {
        return [];
    }
    if (history.kind === 'none') {
        return [unevaluated('max-drop', maxDrop, 'no history is kept (set history-file or history-branch)', 'Device secure score change')];
    }
    if (history.kind === 'unavailable') {
        return [unevaluated('max-drop', maxDrop, history.reason, 'Device secure score change')];
    }
    const { previous } = history;
    if (previous === undefined) {
        const note = 'the history holds no earlier reading of this tenant; this reading is the first, so the fall is checked from the next run on';
        return [{ input: 'max-drop', limit: maxDrop, value: undefined, passed: true, note, message: `max-drop: ${note}.` }];
    }
    const drop = previous.score - score;
    const passed = drop <= maxDrop;
    const [shownDrop, shownLimit] = (0,format/* formatCompared */.dt)(drop, maxDrop);
    const readings = `from ${(0,format/* formatPoints */.Xf)(previous.score)} at ${previous.time} to ${(0,format/* formatPoints */.Xf)(score)} at ${time}`;
    return [
        {
            input: 'max-drop',
            limit: maxDrop,
            value: drop,
            passed,
            message: passed
                ? `Device secure score change is within max-drop ${shownLimit} (${readings}).`
                : `Device secure score fell by ${shownDrop} points, more than max-drop ${shownLimit}: ${readings}.`
        }
    ];
}
function deviceGroupChecks({ deviceGroups, maxDeviceGroupExposureScore: maxGroup }) {
    if (maxGroup === undefined) {
        return [];
    }
    const input = 'max-device-group-exposure-score';
    if (deviceGroups === undefined) {
        return [unevaluated(input, maxGroup, 'the exposure scores of the device groups were not read', 'Device group exposure')];
    }
    if (deviceGroups.groups.length === 0 && deviceGroups.missing.length === 0) {
        return [unevaluated(input, maxGroup, 'the API lists no device group', 'Device group exposure')];
    }
    const checks = deviceGroups.groups.map(group => {
        const passed = group.score <= maxGroup;
        const [shownExposure, shownLimit] = (0,format/* formatCompared */.dt)(group.score, maxGroup);
        const name = JSON.stringify(group.name);
        return {
            input,
            limit: maxGroup,
            value: group.score,
            passed,
            subject: group.name,
            message: passed
                ? `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is within ${input} ${shownLimit}.`
                : `Device group ${name}: exposure score ${shownExposure} (${exposureLevel(group.score)}) is above the threshold ${input} ${shownLimit} (lower is better).`
        };
    });
    const listed = deviceGroups.listed.slice(0, MAX_NAMES_LISTED).map(name => JSON.stringify(name));
    const more = deviceGroups.listed.length > MAX_NAMES_LISTED ? ` and ${deviceGroups.listed.length - MAX_NAMES_LISTED} more` : '';
    for (const name of deviceGroups.missing) {
        const why = 'the API does not list this group (renamed, deleted, or misspelt in device-groups); ' +
            `it lists ${listed.join(', ') || 'no group'}${more}`;
        checks.push({ ...unevaluated(input, maxGroup, why, `Device group ${JSON.stringify(name)}`), subject: name });
    }
    return checks;
}
function unevaluated(input, limit, reason, what) {
    return { input, limit, value: undefined, passed: false, unevaluated: reason, message: `${what} (${input}) ${COULD_NOT}: ${reason}.` };
}
function checksPassed(checks) {
    return checks.every(check => check.passed);
}
/** Microsoft's bands: 0-29 low, 30-69 medium, 70-100 high. */
function exposureLevel(exposure) {
    return exposure < 30 ? 'low' : exposure < 70 ? 'medium' : 'high';
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
;// CONCATENATED MODULE: ./build/src/report/model.js
/**
 * The one model of a run, from which every rendering is made: outputs (./outputs.ts), job summary
 * and pull-request comment (./markdown.ts), badge (./badge.ts). They share it, so they cannot tell
 * different stories. A run holds one report per tenant: what was read and checked, or why it could
 * not be read.
 */



/** A tenant's report: what was read, what it is compared with, and the verdict of every check. */
function buildReport(context, tenant, readings, record) {
    const history = record.kind === 'read' ? record.view : undefined;
    const { limits } = tenant;
    return {
        reading: readings.score,
        exposure: readings.exposure,
        recommendations: readings.recommendations,
        deviceGroups: readings.deviceGroups,
        history,
        checks: evaluateChecks({
            score: readings.score.score,
            time: readings.score.time,
            minScore: limits.minScore,
            exposure: readings.exposure?.score,
            maxExposureScore: limits.maxExposureScore,
            history: record.kind === 'read' ? { kind: 'read', previous: record.view.previous } : record,
            maxDrop: limits.maxDrop,
            deviceGroups: readings.deviceGroups,
            maxDeviceGroupExposureScore: limits.maxDeviceGroupExposureScore
        }),
        ...context,
        tenant: tenant.id,
        label: tenant.label
    };
}
/** The reports of the tenants that were read. */
function readReports(run) {
    return run.tenants.flatMap(outcome => (outcome.kind === 'read' ? [outcome.report] : []));
}
/** Every tenant read, and every check of each passed. */
function runPassed(run) {
    return run.tenants.every(outcome => outcome.kind === 'read' && passed(outcome.report));
}
/** Labels of the tenants that failed a check or could not be read, in tenant-id's order. */
function failedTenants(run) {
    return run.tenants.filter(outcome => outcome.kind === 'unread' || !passed(outcome.report)).map(labelOf);
}
function labelOf(outcome) {
    return outcome.kind === 'read' ? outcome.report.label : outcome.label;
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
    return { label: 'device secure score', message: shownScore(report), color };
}
/**
 * The run's badge: the tenant's own with one tenant; with several, how many pass (`3/4 pass`), green
 * when all do.
 */
function runBadgeSpec(run) {
    const [only] = run.tenants;
    if (run.tenants.length === 1 && only?.kind === 'read') {
        return badgeSpec(only.report);
    }
    const passing = run.tenants.filter(outcome => outcome.kind === 'read' && passed(outcome.report)).length;
    return {
        label: 'device secure score',
        message: `${passing}/${run.tenants.length} pass`,
        color: passing === run.tenants.length ? 'green' : 'red'
    };
}
/** A tenant's badge: its own score, or red and `not read` when it could not be read. */
function tenantBadgeSpec(outcome) {
    return outcome.kind === 'read' ? badgeSpec(outcome.report) : { label: 'device secure score', message: 'not read', color: 'red' };
}
/**
 * The score as people see it: to two decimals, or with as many more as it takes not to look like
 * min-score when it is below it (339.996 is never shown as 340 next to a failed min-score 340).
 */
function shownScore(report) {
    const minScore = report.checks.find(check => check.input === 'min-score')?.limit;
    return minScore === undefined ? (0,format/* formatPoints */.Xf)(report.reading.score) : (0,format/* formatCompared */.dt)(report.reading.score, minScore)[0];
}
/** Finds this action's comment among a pull request's comments; one per tenant, or per set of tenants. */
function commentMarker(run) {
    const keys = run.tenants.map(outcome => tenantKey(outcome.kind === 'read' ? outcome.report.tenant : outcome.tenant));
    if (keys.length === 1) {
        return `<!-- defender-secure-score-action tenant=${keys[0]} -->`;
    }
    const digest = (0,external_node_crypto_.createHash)('sha256')
        .update([...keys].sort().join('\n'))
        .digest('hex')
        .slice(0, 16);
    return `<!-- defender-secure-score-action tenants=${keys.length}:${digest} -->`;
}
/** Finds this action's tracking issue among the repository's issues; one per tenant. */
function issueMarker(tenant) {
    return `<!-- defender-secure-score-action issue tenant=${tenantKey(tenant)} -->`;
}
/** The tenant as markers name it: tenant IDs and domains are case-insensitive. */
function tenantKey(tenant) {
    return tenant.toLowerCase() || 'unspecified';
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
/** GitHub refuses a job summary larger than this (1 MiB); the step's summary would then be lost. */
const MAX_SUMMARY_BYTES = 1024 * 1024;
/** GitHub refuses a comment or an issue body longer than this (HTTP 422), and the old one would stay. */
const MAX_COMMENT_CHARS = 65_536;
/** GitHub refuses an issue title longer than this. */
const MAX_TITLE_CHARS = 256;
/** Markdown for the job summary, within GitHub's 1 MiB: long tables are cut, and say so. */
function renderSummary(run, maxBytes = MAX_SUMMARY_BYTES) {
    const fits = (text) => Buffer.byteLength(text, 'utf8') <= maxBytes;
    const [only] = run.tenants;
    if (run.tenants.length === 1 && only?.kind === 'read') {
        return fitRows(rows => tenantSummary(only.report, rows, SUMMARY_CUT, 2).join('\n'), fits);
    }
    return fitTenants(run, (details, rows) => [...runOverview(run, rows, SUMMARY_CUT), ...tenantDetails(run, details, 'summary')].join('\n'), fits);
}
const SUMMARY_CUT = 'of a job summary; the report-json output lists more (up to its documented caps)';
/** One tenant's full report, its headings at `level`: what the summary shows of it. */
function tenantSummary(report, rows, where, level) {
    return [
        ...overview(report, rows, where, level),
        ...deviceGroupsSection(report, rows, where, level + 1),
        ...recommendationsSection(report, rows, where, level + 1),
        ...historySection(report, level + 1),
        ...footnote()
    ];
}
/**
 * Markdown for the sticky pull-request comment: the same facts, with the badge on top. Always fits
 * GitHub's limit: rows of the long tables (with many tenants, their details) are left out, and said so.
 */
function renderComment(run, runUrl, maxChars = MAX_COMMENT_CHARS) {
    const badge = runBadgeSpec(run);
    const head = [commentMarker(run), `![${badge.label}: ${badge.message}](${staticBadgeUrl(badge)})`, ''];
    const fits = (text) => text.length <= maxChars;
    const [only] = run.tenants;
    if (run.tenants.length === 1 && only?.kind === 'read') {
        return fitRows(rows => [...head, ...postedReport(only.report, runUrl, rows, 'of a comment', 2)].join('\n'), fits);
    }
    return fitTenants(run, (details, rows) => [
        ...head,
        ...runOverview(run, rows, 'of a comment; the job summary of the run lists more'),
        ...tenantDetails(run, details, 'comment'),
        ...runLink(runUrl)
    ].join('\n'), fits);
}
/** The tracking issue of one tenant (issue-on-failure): its report, under a title that names the tenant. */
function trackingIssueContent(outcome, runUrl, maxChars = MAX_COMMENT_CHARS) {
    const tenant = outcome.kind === 'read' ? outcome.report.tenant : outcome.tenant;
    const marker = issueMarker(tenant);
    const run = runUrl ? ` ([run](${runUrl}))` : '';
    const intro = [
        marker,
        'This issue stays open while the scheduled device secure score check fails, and is closed by the first run that passes every check.',
        ''
    ];
    const name = outcome.kind === 'read' ? tenantName(outcome.report.tenant, outcome.report.label) : tenantName(outcome.tenant, outcome.label);
    if (outcome.kind === 'unread') {
        return {
            marker,
            title: issueTitle(name, 'could not be read'),
            body: [
                ...intro,
                `## ❌ Tenant ${inlineText(outcome.label)}: could not be read`,
                '',
                inlineText(outcome.error, MAX_REASON_CHARS),
                '',
                ...runLink(runUrl)
            ].join('\n'),
            recovery: ''
        };
    }
    const { report } = outcome;
    const failed = report.checks.filter(check => !check.passed).map(check => check.input);
    const body = fitRows(rows => [...intro, ...postedReport(report, runUrl, rows, 'of an issue', 2)].join('\n'), text => text.length <= maxChars);
    return {
        marker,
        title: issueTitle(name, [...new Set(failed)].join(', ')),
        body,
        recovery: `Recovered: score ${shownScore(report)} points at ${report.reading.time}, every check passes${run}.`
    };
}
/** The tenant as a title names it: its ID, and its name when it has one. */
function tenantName(tenant, label) {
    return label && label !== tenant ? `${label} (${tenant})` : tenant;
}
function runLink(runUrl) {
    return runUrl ? [`<sub>Updated by [this workflow run](${runUrl}).</sub>`, ''] : [];
}
/** `Device secure score check failing for tenant X: inputs`, within GitHub's 256 characters however long the tenant's name. */
function issueTitle(tenant, failedInputs) {
    const title = (name) => `Device secure score check failing${name ? ` for tenant ${name}` : ''}: ${failedInputs}`;
    const full = title(tenant);
    if (full.length <= MAX_TITLE_CHARS) {
        return full;
    }
    const room = Math.max(1, MAX_TITLE_CHARS - title('').length - ' for tenant …'.length);
    return title(`${tenant.slice(0, room)}…`).slice(0, MAX_TITLE_CHARS);
}
/**
 * The longest rendering that `fits`, with the same number of rows at most in every long table
 * (checks, device groups, recommendations): found by halving, as each rendering is linear in the rows.
 */
function fitRows(render, fits) {
    const all = render(Number.POSITIVE_INFINITY);
    if (fits(all)) {
        return all;
    }
    let low = 0;
    let high = MAX_TABLE_ROWS;
    while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (fits(render(middle))) {
            low = middle;
        }
        else {
            high = middle - 1;
        }
    }
    return render(low);
}
/** No table of the report has more rows than this when one is cut to fit. */
const MAX_TABLE_ROWS = 100_000;
/** The report as the comment and the tracking issue show it: with the chart, without the history table, linked to the run. */
function postedReport(report, runUrl, rows, ofWhat, level) {
    const where = `${ofWhat}; the job summary of the run lists more`;
    return [
        ...overview(report, rows, where, level),
        ...deviceGroupsSection(report, rows, where, level + 1),
        ...recommendationsSection(report, rows, where, level + 1),
        ...historyChart(report),
        ...runLink(runUrl),
        ...footnote()
    ];
}
/**
 * With many tenants: the longest rendering that fits, with every tenant's row in the table and as
 * many tenants' details as fit (worst first); only when the table alone does not fit, its rows too.
 */
function fitTenants(run, render, fits) {
    const tenants = run.tenants.length;
    if (fits(render(tenants, Number.POSITIVE_INFINITY))) {
        return render(tenants, Number.POSITIVE_INFINITY);
    }
    if (fits(render(0, Number.POSITIVE_INFINITY))) {
        return largest(tenants, details => fits(render(details, Number.POSITIVE_INFINITY)), details => render(details, Number.POSITIVE_INFINITY));
    }
    return largest(tenants, rows => fits(render(0, rows)), rows => render(0, rows));
}
/** render(n) for the largest n in [0, max] that `fits` accepts (it accepts fewer whenever it accepts more). */
function largest(max, fits, render) {
    let low = 0;
    let high = max;
    while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if (fits(middle)) {
            low = middle;
        }
        else {
            high = middle - 1;
        }
    }
    return render(low);
}
/** Worst first: tenants that could not be read, then failed ones, then the rest, each by score, lowest first. */
function worstFirst(run) {
    const rank = (outcome) => (outcome.kind === 'unread' ? 0 : passed(outcome.report) ? 2 : 1);
    const score = (outcome) => (outcome.kind === 'read' ? outcome.report.reading.score : Number.NEGATIVE_INFINITY);
    return [...run.tenants].sort((a, b) => rank(a) - rank(b) || score(a) - score(b));
}
/** The run over many tenants: a verdict, then one table with a row per tenant, worst first. */
function runOverview(run, rows, where) {
    const total = run.tenants.length;
    const failing = run.tenants.filter(outcome => outcome.kind === 'unread' || !passed(outcome.report)).length;
    const unread = run.tenants.filter(outcome => outcome.kind === 'unread').length;
    const mark = failing === 0 ? '✅' : run.context.enforced ? '❌' : '⚠️';
    const verdict = failing === 0
        ? `Every tenant passed its checks.`
        : `${failing} of ${total} tenants failed${unread > 0 ? ` (${unread} could not be read, which counts as failed)` : ''}` +
            (run.context.enforced ? '.' : ' (a warning only: fail-on-low-score is false).');
    const ordered = worstFirst(run);
    const shown = ordered.slice(0, rows).map(tenantRow);
    return [
        `## ${mark} Device secure score: ${total - failing} of ${total} tenants pass`,
        '',
        verdict,
        '',
        '| Tenant | Score | Change | Exposure | Verdict |',
        '|---|---|---|---|---|',
        ...shown,
        '',
        ...leftOut(ordered.length - shown.length, where)
    ];
}
function tenantRow(outcome) {
    if (outcome.kind === 'unread') {
        return `| ${inlineText(outcome.label)} | | | | ❌ could not be read: ${inlineText(outcome.error, MAX_REASON_CHARS)} |`;
    }
    const { report } = outcome;
    const delta = scoreDelta(report);
    const failed = report.checks.filter(check => !check.passed);
    const verdict = failed.length === 0
        ? '✅ passed'
        : `${report.enforced ? '❌' : '⚠️'} failed: ${[...new Set(failed.map(check => check.input))].join(', ')}`;
    return `| ${inlineText(report.label)} | ${shownScore(report)} | ${delta === undefined ? '' : signed(delta)} | ${report.exposure ? (0,format/* formatPoints */.Xf)(report.exposure.score) : ''} | ${verdict} |`;
}
/** Each tenant's details in a collapsed block, worst first; `count` of them, then where the rest is. */
function tenantDetails(run, count, where) {
    const ordered = worstFirst(run);
    const blocks = ordered.slice(0, count).flatMap(outcome => {
        const body = outcome.kind === 'unread'
            ? [`Could not be read: ${inlineText(outcome.error, MAX_REASON_CHARS)}`, '']
            : where === 'summary'
                ? tenantSummary(outcome.report, DETAIL_ROWS, SUMMARY_CUT, 3)
                : postedReport(outcome.report, undefined, DETAIL_ROWS, 'of a comment', 3);
        return ['<details>', `<summary>${htmlText(labelOf(outcome))}</summary>`, '', ...body, '</details>', ''];
    });
    const left = ordered.length - Math.min(count, ordered.length);
    const rest = left > 0
        ? [
            `Details of ${(0,format/* plainDecimal */.mr)(left)} more tenant${left === 1 ? '' : 's'} left out to fit GitHub's limit on the length; ` +
                (where === 'summary' ? 'the report-json output has every tenant.' : 'the job summary of the run has them.'),
            ''
        ]
        : [];
    return [...blocks, ...rest];
}
/** Rows of each table in a tenant's details block. */
const DETAIL_ROWS = 20;
/** Text inside an HTML element (a `<summary>`): Markdown-inert like a cell, and no tag can open. */
function htmlText(text) {
    return inlineText(text).replace(/\\</g, '&lt;').replace(/\\>/g, '&gt;');
}
/** The line under a table cut to fit: how many rows were left out, and where they are. */
function leftOut(count, where) {
    return count > 0
        ? [`${(0,format/* plainDecimal */.mr)(count)} more row${count === 1 ? '' : 's'} left out to fit GitHub's limit on the length ${where}.`, '']
        : [];
}
/** Check messages the log gives at most; the summary and report-json have the rest. */
const MAX_LOGGED_CHECKS = 20;
/** One line for the log when nothing failed. */
function outcomeMessage(run) {
    const [only] = run.tenants;
    if (run.tenants.length === 1 && only?.kind === 'read') {
        const report = only.report;
        if (report.checks.length === 0) {
            return `Device secure score is ${shownScore(report)} points (no threshold set, so nothing to check).`;
        }
        return checkMessages(report.checks).join(' ');
    }
    return `Every one of the ${run.tenants.length} tenants passed its checks.`;
}
/** The checks' messages for the log, at most {@link MAX_LOGGED_CHECKS}, then how many more there are. */
function checkMessages(checks) {
    const more = checks.length - MAX_LOGGED_CHECKS;
    return [
        ...checks.slice(0, MAX_LOGGED_CHECKS).map(check => check.message),
        ...(more > 0 ? [`And ${more} more (the job summary and report-json list them).`] : [])
    ];
}
function overview(report, rows, where, level) {
    const [mark, verdict] = verdictOf(report);
    return [
        `${'#'.repeat(level)} ${mark} Device secure score: ${shownScore(report)} points`,
        '',
        verdict,
        '',
        ...checksTable(report, rows, where),
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
    const unevaluated = failed.filter(check => check.unevaluated !== undefined).length;
    const count = `${failed.length} of ${checks.length} ${checks.length === 1 ? 'check' : 'checks'} failed` +
        (unevaluated > 0 ? ` (${unevaluated} could not be evaluated, which counts as failed)` : '');
    return report.enforced ? ['❌', `${count}.`] : ['⚠️', `${count} (a warning only: fail-on-low-score is false).`];
}
/** The checks, failed ones first, so that a table cut to fit keeps them. */
function checksTable(report, rows, where) {
    if (report.checks.length === 0) {
        return [];
    }
    const ordered = [...report.checks.filter(check => !check.passed), ...report.checks.filter(check => check.passed)];
    const shown = ordered.slice(0, rows).map(check => {
        const [value, limitValue] = check.value === undefined ? ['', (0,format/* formatPoints */.Xf)(check.limit)] : (0,format/* formatCompared */.dt)(check.value, check.limit);
        const limit = `${check.input === 'min-score' ? 'at least' : 'at most'} ${limitValue}`;
        const shownValue = check.unevaluated !== undefined
            ? `could not be evaluated: ${inlineText(check.unevaluated, MAX_REASON_CHARS)}`
            : check.note !== undefined
                ? inlineText(check.note, MAX_REASON_CHARS)
                : value;
        const result = check.passed ? '✅ passed' : report.enforced ? '❌ failed' : '⚠️ failed (warning)';
        const label = check.subject === undefined ? CHECK_LABELS[check.input] : `${CHECK_LABELS[check.input]}: ${inlineText(check.subject)}`;
        return `| ${label} (\`${check.input}\`) | ${limit} | ${shownValue} | ${result} |`;
    });
    return ['| Check | Limit | Value | Result |', '|---|---|---|---|', ...shown, '', ...leftOut(ordered.length - shown.length, where)];
}
/** Longest reason shown in a cell: a failure message of GitHub's can be long. */
const MAX_REASON_CHARS = 400;
function detailRows(report) {
    const rows = [['Score', `**${shownScore(report)}** points${describeDelta(report)}`]];
    if (report.exposure) {
        const exposure = report.exposure.score;
        const limit = report.checks.find(check => check.input === 'max-exposure-score')?.limit;
        rows.push([
            'Exposure score',
            `${limit === undefined ? (0,format/* formatPoints */.Xf)(exposure) : (0,format/* formatCompared */.dt)(exposure, limit)[0]}, ${exposureLevel(exposure)} (0-29 low, 30-69 medium, 70-100 high; lower is better)`
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
    const change = delta === 0 ? 'unchanged' : delta > 0 ? `up ${(0,format/* formatPoints */.Xf)(delta)}` : `down ${(0,format/* formatPoints */.Xf)(-delta)}`;
    return `, ${change} since the previous reading (${(0,format/* formatPoints */.Xf)(previous.score)} at ${inlineText(previous.time)})`;
}
function deviceGroupsSection(report, rows, where, level) {
    const groups = report.deviceGroups?.groups;
    if (!groups) {
        return [];
    }
    if (groups.length === 0) {
        return [`${'#'.repeat(level)} Device groups`, '', 'None of the device groups asked for is listed by the API.', ''];
    }
    const limit = report.checks.find(check => check.input === 'max-device-group-exposure-score')?.limit;
    const shown = groups.slice(0, rows).map(group => {
        const score = limit === undefined ? (0,format/* formatPoints */.Xf)(group.score) : (0,format/* formatCompared */.dt)(group.score, limit)[0];
        return `| ${inlineText(group.name)} | ${score} | ${exposureLevel(group.score)} |`;
    });
    return [
        `${'#'.repeat(level)} Exposure score by device group`,
        '',
        '| Device group | Exposure score | Level |',
        '|---|---|---|',
        ...shown,
        '',
        ...leftOut(groups.length - shown.length, where)
    ];
}
function recommendationsSection(report, rows, where, level) {
    if (!report.recommendations) {
        return [];
    }
    const { top: items, excepted } = report.recommendations;
    const exceptions = excepted > 0
        ? [`${excepted} recommendation${excepted === 1 ? ' was' : 's were'} left out: the security team granted an exception.`, '']
        : [];
    if (items.length === 0) {
        return [`${'#'.repeat(level)} Top recommendations`, '', 'The API listed no active security recommendations.', '', ...exceptions];
    }
    const shown = items.slice(0, rows).map((item, index) => {
        const devices = item.exposedMachines === undefined
            ? ''
            : `${(0,format/* plainDecimal */.mr)(item.exposedMachines)}${item.totalMachines === undefined ? '' : ` of ${(0,format/* plainDecimal */.mr)(item.totalMachines)}`}`;
        return `| ${index + 1} | ${inlineText(item.name)} | ${inlineText(item.category)} | ${signed(item.configScoreImpact)} | ${devices} |`;
    });
    return [
        `${'#'.repeat(level)} Top ${items.length} recommendations by score impact`,
        '',
        ...(shown.length > 0
            ? ['| # | Recommendation | Category | Score impact (points) | Exposed devices |', '|---|---|---|---|---|', ...shown, '']
            : []),
        ...leftOut(items.length - shown.length, where),
        ...exceptions
    ];
}
function historyChart(report) {
    const chart = trendChart(report.history?.recent ?? [], report.checks.find(check => check.input === 'min-score')?.limit);
    return chart.length > 0 ? [...chart, ''] : [];
}
function historySection(report, level) {
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
        return `| ${inlineText(entry.time)} | ${(0,format/* formatPoints */.Xf)(entry.score)} | ${change} | ${entry.exposure === null ? '' : (0,format/* formatPoints */.Xf)(entry.exposure)} |`;
    });
    return [
        `${'#'.repeat(level)} Last ${recent.length} readings`,
        '',
        `Trend: \`${sparkline(scores)}\` ${(0,format/* formatPoints */.Xf)(first)} → ${(0,format/* formatPoints */.Xf)(last)} (${signed(last - first)})`,
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
    return value > 0 ? `+${(0,format/* formatPoints */.Xf)(value)}` : (0,format/* formatPoints */.Xf)(value);
}
/** Longest text from outside shown in one cell; longer is cut with an ellipsis. */
const MAX_CELL_CHARS = 120;
/**
 * Text from outside, inert in GitHub Markdown: control characters shown as escapes, Markdown and
 * HTML punctuation backslash-escaped (no link, image, emphasis, HTML or table break), and mentions
 * (`@team`), issue references (`#1`, `owner/repo#2`, `GH-3`) and bare URLs broken with a zero-width
 * space so they neither ping nor link.
 */
function inlineText(text, maxChars = MAX_CELL_CHARS) {
    const cut = [...text].length > maxChars ? `${[...text].slice(0, maxChars - 1).join('')}…` : text;
    return (cut
        // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are shown, not obeyed.
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace(/[\\`*_{}[\]()<>|!~&#$]/g, character => `\\${character}`)
        .replace(/@/g, '@\u200b')
        // #1, owner/repo#2 and GH-3 would link, and put a cross-reference on that issue's timeline (references are numbers).
        .replace(/#(?=\d)/g, '#\u200b')
        .replace(/\b(GH)-(?=\d)/gi, '$1\u200b-')
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
    'report-json',
    'failed-tenants'
]));
/**
 * The outputs. The per-tenant ones (score, its time, min-score, exposure, previous reading) are the
 * lowest-scoring tenant's read, which is the only one with one tenant; `passed` is every tenant's.
 */
function reportOutputs(run, published) {
    const report = lowest(run);
    const minScore = report?.checks.find(check => check.input === 'min-score');
    const delta = report && scoreDelta(report);
    return {
        score: report ? (0,format/* formatPoints */.Xf)(report.reading.score, 'exact') : '',
        'score-time': report?.reading.time ?? '',
        'min-score': minScore ? (0,format/* formatPoints */.Xf)(minScore.limit, 'exact') : '',
        passed: String(runPassed(run)),
        'exposure-score': report?.exposure ? (0,format/* formatPoints */.Xf)(report.exposure.score, 'exact') : '',
        'previous-score': report?.history?.previous ? (0,format/* formatPoints */.Xf)(report.history.previous.score, 'exact') : '',
        'score-delta': delta === undefined ? '' : (0,format/* formatPoints */.Xf)(delta, 'exact'),
        'badge-file': published.badgeFile ?? '',
        'badge-json': JSON.stringify({ schemaVersion: 1, ...runBadgeSpec(run) }),
        'comment-url': published.commentUrl ?? '',
        'issue-url': published.issueUrl ?? '',
        'report-json': reportJson(run, published),
        'failed-tenants': failedTenants(run).join('\n')
    };
}
/** The tenant read with the lowest score (the first of equals); undefined when none was read. */
function lowest(run) {
    return readReports(run).reduce((low, report) => (low && low.reading.score <= report.reading.score ? low : report), undefined);
}
/**
 * The version of the report-json document. Changes are additive only: a field is never removed nor
 * changes meaning within a version, so readers may ignore fields they do not know.
 */
const REPORT_SCHEMA_VERSION = 1;
/** Items of a list report-json holds at most (checks, device groups); the count of those left out is given beside it. */
const REPORT_LIST_CAP = 500;
/** Characters of a text from the API (a device group's or a recommendation's name) report-json holds at most. */
const REPORT_TEXT_CAP = 500;
/**
 * The run as one JSON document on one line, for chat webhooks, tickets and archives (schema in the
 * README). The top-level fields are the lowest-scoring tenant's (the only one's, with one), `passed`
 * is every tenant's, and `tenants` has one object per tenant.
 */
function reportJson(run, published) {
    const report = lowest(run);
    const document = {
        schemaVersion: REPORT_SCHEMA_VERSION,
        ...(report ? tenantFields(report) : UNREAD_FIELDS),
        passed: runPassed(run),
        enforced: run.context.enforced,
        tenant: report?.tenant ?? '',
        cloud: run.context.cloud,
        region: run.context.region ?? null,
        apiHost: run.context.apiHost,
        commentUrl: published.commentUrl ?? null,
        issueUrl: published.issueUrl ?? null,
        tenants: run.tenants.slice(0, REPORT_LIST_CAP).map(tenantDocument),
        tenantsOmitted: Math.max(0, run.tenants.length - REPORT_LIST_CAP)
    };
    // JSON.stringify leaves U+2028 and U+2029 as they are; escaped, no line break of any kind reaches the output.
    return JSON.stringify(document).replace(/[\u2028\u2029]/g, character => `\\u${character.charCodeAt(0).toString(16)}`);
}
/** The per-tenant fields of a tenant that could not be read. */
const UNREAD_FIELDS = {
    score: null,
    time: null,
    checks: [],
    checksOmitted: 0,
    exposureScore: null,
    exposureLevel: null,
    previousScore: null,
    previousTime: null,
    scoreDelta: null,
    recommendations: null,
    exceptedRecommendations: null,
    deviceGroups: null,
    deviceGroupsOmitted: null
};
function tenantDocument(outcome) {
    if (outcome.kind === 'unread') {
        return { tenant: outcome.tenant, name: outcome.label, ...UNREAD_FIELDS, passed: false, error: capText(outcome.error) };
    }
    const { report } = outcome;
    return { tenant: report.tenant, name: report.label, ...tenantFields(report), passed: passed(report) };
}
/** What report-json says of one tenant read. */
function tenantFields(report) {
    const previous = report.history?.previous;
    // Failed checks first when the list is cut, so that what failed is always in it.
    const checks = report.checks.length > REPORT_LIST_CAP
        ? [...report.checks.filter(check => !check.passed), ...report.checks.filter(check => check.passed)]
        : report.checks;
    const groups = report.deviceGroups?.groups;
    return {
        score: report.reading.score,
        time: report.reading.time,
        checks: checks.slice(0, REPORT_LIST_CAP).map(check => ({
            input: check.input,
            ...(check.subject === undefined ? {} : { subject: capText(check.subject) }),
            limit: check.limit,
            value: check.value ?? null,
            passed: check.passed,
            ...(check.unevaluated === undefined ? {} : { reason: `could not be evaluated: ${capText(check.unevaluated)}` }),
            ...(check.note === undefined ? {} : { note: check.note })
        })),
        checksOmitted: Math.max(0, checks.length - REPORT_LIST_CAP),
        exposureScore: report.exposure?.score ?? null,
        exposureLevel: report.exposure ? exposureLevel(report.exposure.score) : null,
        previousScore: previous?.score ?? null,
        previousTime: previous?.time ?? null,
        scoreDelta: scoreDelta(report) ?? null,
        recommendations: report.recommendations?.top.map(item => ({
            ...item,
            name: capText(item.name),
            category: capText(item.category),
            product: capText(item.product)
        })) ?? null,
        exceptedRecommendations: report.recommendations?.excepted ?? null,
        deviceGroups: groups?.slice(0, REPORT_LIST_CAP).map(group => ({
            name: capText(group.name),
            exposureScore: group.score,
            exposureLevel: exposureLevel(group.score)
        })) ?? null,
        deviceGroupsOmitted: groups ? Math.max(0, groups.length - REPORT_LIST_CAP) : null
    };
}
function capText(text) {
    return text.length > REPORT_TEXT_CAP ? `${text.slice(0, REPORT_TEXT_CAP - 1)}…` : text;
}

;// CONCATENATED MODULE: ./build/src/conclude.js
/**
 * Everything after the readings: the history, the report, what is published, the runner's files and
 * the verdict. Loaded by ./main.ts while the first requests are on the network, so that its code is
 * compiled in time the run would spend waiting anyway.
 */















/** Readings the trend shows (chart and table), this run's included. */
const RECENT_READINGS = CHART_READINGS;
/**
 * Records, reports, publishes and decides. One budget for every call to GitHub's API (history,
 * comment, issues): past it, the verdict is given and the rest is a warning.
 */
async function conclude(settings, readings, policy) {
    const githubBudgetMs = settings.timeoutMs * (settings.maxRetries + 1);
    const github = new http/* Http */.lw(settings.timeoutMs, policy);
    const stopWatch = github.stopAfter(githubBudgetMs, `the run's ${(0,format/* formatPoints */.Xf)(githubBudgetMs / 1000)} s for GitHub's API (timeout-seconds x (max-retries + 1), plus the waits between attempts) ran out`);
    try {
        const history = await recordHistory(settings, readings, github);
        const report = buildRunReport(settings, readings, history);
        const published = await publish(settings, report, github);
        await writeRunnerFiles(settings, report, published);
        concludeChecks(report);
    }
    finally {
        stopWatch();
        github.dispose();
    }
}
function buildRunReport(settings, readings, history) {
    const context = {
        enforced: settings.failOnLowScore,
        cloud: settings.cloud,
        region: settings.region,
        apiHost: new URL(settings.apiUrl).host,
        authMethod: settings.app.credential.method
    };
    return {
        context,
        tenants: readings.map((reading) => {
            const { tenant } = reading;
            if (reading.kind === 'unread') {
                return { kind: 'unread', tenant: tenant.id, label: tenant.label, error: (0,errors/* failureMessage */.oh)(reading.error) };
            }
            return { kind: 'read', report: buildReport(context, tenant, reading.readings, history.get(tenant.id) ?? { kind: 'none' }) };
        })
    };
}
/** Appends one line per tenant read, in one write, and gives each tenant its view of the history. */
async function recordHistory(settings, readings, http) {
    const views = new Map();
    const store = settings.history;
    const apiHost = new URL(settings.apiUrl).host;
    const current = readings.flatMap(reading => reading.kind === 'read'
        ? [{ id: reading.tenant.id, entry: historyEntryOf(reading.readings, reading.tenant.id, apiHost, settings.runKey) }]
        : []);
    if (!store || current.length === 0) {
        return views;
    }
    const entries = current.map(({ entry }) => entry);
    const earlier = store.kind === 'file'
        ? await recordInFile(store.path, settings.workspace, entries)
        : await recordOnBranch(http, store, entries, commitMessage(entries, settings.runUrl));
    for (const { id, entry } of current) {
        views.set(id, viewOf(earlier, entry, current.length === 1 ? 'this tenant' : `tenant ${entry.tenant}`));
    }
    return views;
}
function viewOf(earlier, current, tenant) {
    if (earlier.kind === 'unavailable') {
        return earlier;
    }
    const view = viewHistory(earlier.file.entries, current, RECENT_READINGS);
    if (view.futureDated > 0) {
        (0,log/* warning */.$e)(`The history has ${view.futureDated} reading(s) of ${tenant} dated after this run's (${current.time}); ` +
            "they are left out of max-drop and the trend. Check the lines, or the runner's clock.");
    }
    return { kind: 'read', view };
}
function commitMessage(entries, runUrl) {
    const [first] = entries;
    const what = entries.length === 1 && first
        ? `Device secure score ${(0,format/* formatPoints */.Xf)(first.score, 'exact')} at ${first.time}`
        : `Device secure score of ${entries.length} tenants at ${first?.time ?? ''}`;
    return `${what}${runUrl ? `\n\n${runUrl}` : ''}`;
}
/** The optional extras: none of them may fail the run. */
async function publish(settings, report, http) {
    const published = {};
    if (settings.badgeFile) {
        published.badgeFile = await writeBadges(settings.badgeFile, settings.workspace, report);
    }
    if (settings.pullRequestComment) {
        published.commentUrl = await upsertPullRequestComment(settings.pullRequestComment, commentMarker(report), renderComment(report, settings.runUrl), http);
    }
    if (settings.trackingIssue) {
        const tenants = worstFirst(report);
        const urls = await trackFailures(http, settings.trackingIssue, tenants.map(outcome => ({
            failed: outcome.kind === 'unread' || !passed(outcome.report),
            content: trackingIssueContent(outcome, settings.runUrl)
        })));
        published.issueUrl = urls.find(url => url !== undefined);
    }
    return published;
}
/**
 * The badge: with `{tenant}` in the path, one per tenant (its label made safe for a file name);
 * otherwise one, for the run. Returns the path written (the pattern, for several); undefined when none was.
 */
async function writeBadges(path, workspace, report) {
    const used = new Set();
    const unique = (name) => {
        let candidate = name;
        for (let suffix = 2; used.has(candidate.toLowerCase()); suffix++)
            candidate = `${name}-${suffix}`;
        used.add(candidate.toLowerCase());
        return candidate;
    };
    const badges = path.includes('{tenant}')
        ? report.tenants.map((outcome, index) => ({
            path: path.replaceAll('{tenant}', unique(badgeFileName(labelOf(outcome), index))),
            badge: tenantBadgeSpec(outcome)
        }))
        : [{ path, badge: runBadgeSpec(report) }];
    let written = 0;
    for (const badge of badges) {
        try {
            await writeBadge(badge.path, workspace, badge.badge);
            written++;
        }
        catch (error) {
            (0,log/* warning */.$e)(`badge-file could not be written: ${(0,errors/* failureMessage */.oh)(error)}`);
        }
    }
    return written === badges.length ? path : undefined;
}
function concludeChecks(report) {
    if (runPassed(report)) {
        (0,log/* info */.pq)(outcomeMessage(report));
        return;
    }
    const several = report.tenants.length > 1;
    const failures = report.tenants.flatMap(outcome => {
        const prefix = several ? `[${labelOf(outcome)}] ` : '';
        if (outcome.kind === 'unread') {
            return [`${prefix}could not be read: ${outcome.error}`];
        }
        return checkMessages(outcome.report.checks.filter(check => !check.passed)).map(message => `${prefix}${message}`);
    });
    if (report.context.enforced) {
        (0,log/* fail */.fJ)(failures.join('\n'));
    }
    else {
        (0,log/* warning */.$e)(`${failures.join('\n')}\nfail-on-low-score is false, so this is a warning.`);
    }
}
/**
 * The outputs and the job summary. The verdict comes after them and from the report alone: a runner
 * file that cannot be written is a warning, and never hides it.
 */
async function writeRunnerFiles(settings, report, published) {
    await attempt('The outputs could not be set', () => {
        for (const [name, value] of Object.entries(reportOutputs(report, published))) {
            core/* setOutput */.uH(name, value);
        }
    });
    if (settings.jobSummary) {
        await attempt('The job summary could not be written', () => writeSummary(renderSummary(report)));
    }
}
/** Runs `work`; what goes wrong is a warning that starts with `what`. */
async function attempt(what, work) {
    try {
        await work();
    }
    catch (error) {
        (0,log/* warning */.$e)(`${what}: ${(0,errors/* failureMessage */.oh)(error)}`);
    }
}
async function writeSummary(markdown) {
    if (!process.env['GITHUB_STEP_SUMMARY']) {
        (0,log/* info */.pq)('No job summary written: GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner).');
        return;
    }
    await core/* summary */.z.addRaw(markdown).write();
}


/***/ })

};
