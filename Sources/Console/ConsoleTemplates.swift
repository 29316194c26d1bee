/// The console's Mustache templates, compiled into the binary (no files to install). Every page
/// extends `layout`; `{{value}}` is HTML-escaped, and no template uses `{{{…}}}`.
enum ConsoleTemplates {
    static let all: [String: String] = [
        "layout": layout, "overview": overview, "alerts": alerts, "alert": alert, "events": events,
        "deliveries": deliveries, "silences": silences, "webhooks": webhooks, "message": message,
        "filters": filters, "pager": pager, "delivery-table": deliveryTable, "event-table": eventTable,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ChannelWatch</title>
        <link rel="stylesheet" href="/static/console.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header class="top">
        <a class="brand" href="/">ChannelWatch</a>
        <nav aria-label="Main"><ul>
        <li><a href="/"{{#nav.overview}} aria-current="page"{{/nav.overview}}>Overview</a></li>
        <li><a href="/alerts"{{#nav.alerts}} aria-current="page"{{/nav.alerts}}>Alerts <span class="count">{{summary.firing}}</span></a></li>
        <li><a href="/events"{{#nav.events}} aria-current="page"{{/nav.events}}>Events</a></li>
        <li><a href="/deliveries"{{#nav.deliveries}} aria-current="page"{{/nav.deliveries}}>Deliveries{{#summary.hasDead}} <span class="count bad">{{summary.dead}} dead</span>{{/summary.hasDead}}</a></li>
        <li><a href="/silences"{{#nav.silences}} aria-current="page"{{/nav.silences}}>Silences{{#summary.hasSilences}} <span class="count">{{summary.silences}}</span>{{/summary.hasSilences}}</a></li>
        <li><a href="/webhooks"{{#nav.webhooks}} aria-current="page"{{/nav.webhooks}}>Webhooks</a></li>
        </ul></nav>
        {{#principal}}<span class="who">signed in as {{.}}</span>{{/principal}}
        </header>
        <main id="main">
        {{#notice}}<p class="notice" role="status">{{.}}</p>{{/notice}}
        {{#hasProblems}}<div class="problems" role="alert"><strong>{{problemTitle}}</strong><ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul></div>{{/hasProblems}}
        {{$content}}{{/content}}
        </main>
        <footer>ChannelWatch · times in UTC · <a href="/api/v1/partners">JSON API</a></footer>
        </body>
        </html>
        """

    static let message = """
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        <p>{{text}}</p>
        <p><a href="/">Back to the overview</a></p>
        {{/content}}{{/layout}}
        """

    /// A listing's filter form: `fields` are selects (with `options`) or text inputs.
    static let filters = """
        <form class="filters" method="get" action="{{action}}" role="search" aria-label="Filter">
        {{#fields}}
        <label>{{label}}
        {{#isSelect}}<select name="{{name}}">{{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}</select>{{/isSelect}}
        {{^isSelect}}<input type="{{type}}" name="{{name}}" value="{{value}}" placeholder="{{placeholder}}" size="{{size}}">{{/isSelect}}
        </label>
        {{/fields}}
        <button type="submit">Filter</button> <a href="{{action}}">Clear</a>
        </form>
        """

    static let pager = """
        <nav class="pager" aria-label="Pages">{{#newestHref}}<a href="{{.}}">← Newest</a>{{/newestHref}}{{#olderHref}}<a href="{{.}}" rel="next">Older →</a>{{/olderHref}}</nav>
        """

    static let overview = """
        {{<layout}}{{$content}}
        <h1>Portfolio</h1>
        <div class="cards">
        <div class="card{{#summary.hasFiring}} alarm{{/summary.hasFiring}}"><a href="/alerts"><span class="figure">{{summary.firing}}</span>firing alerts</a></div>
        <div class="card{{#summary.hasDead}} alarm{{/summary.hasDead}}"><a href="/deliveries?status=dead"><span class="figure">{{summary.dead}}</span>dead deliveries</a></div>
        <div class="card"><a href="/deliveries?status=pending"><span class="figure">{{summary.pending}}</span>pending deliveries</a></div>
        <div class="card"><a href="/silences"><span class="figure">{{summary.silences}}</span>active silences</a></div>
        <div class="card"><a href="/webhooks"><span class="figure">{{summary.inbound}}</span>inbound webhooks, 24 h</a></div>
        </div>
        {{^partners}}<p>No partner is configured or recorded yet.</p>{{/partners}}
        {{#partners}}
        <section class="partner" aria-labelledby="{{anchor}}">
        <h2 id="{{anchor}}">Partner {{id}}</h2>
        <p>{{channels}} channels · last complete poll: {{lastComplete}}{{#failing}} · <span class="badge critical">{{failures}}</span>{{/failing}}
        · firing: {{#firing}}<a class="badge {{severity}}" href="{{href}}">{{count}} {{severity}}</a> {{/firing}}{{^firing}}none{{/firing}}</p>
        <div class="states">
        {{#states}}
        <table>
        <caption>{{title}}</caption>
        <thead><tr><th scope="col">Value</th><th scope="col" class="num">Channels</th><th scope="col">Share</th></tr></thead>
        <tbody>
        {{#values}}<tr><td class="value">{{label}}</td><td class="num">{{channels}}</td><td><meter min="0" max="{{total}}" value="{{count}}" title="{{percent}} %">{{percent}} %</meter></td></tr>{{/values}}
        {{^values}}<tr><td colspan="3" class="muted">No complete poll yet.</td></tr>{{/values}}
        </tbody>
        </table>
        {{/states}}
        </div>
        <h3>Last polls</h3>
        <div class="table-wrap"><table>
        <thead><tr><th scope="col">Started</th><th scope="col">Outcome</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Pages</th><th scope="col" class="num">Channels</th><th scope="col" class="num">Changed</th><th scope="col" class="num">Events</th><th scope="col">Error</th></tr></thead>
        <tbody>
        {{#polls}}<tr><td class="nowrap"><time datetime="{{iso}}">{{started}}</time><br><span class="hint">{{ago}}</span></td><td><span class="badge {{outcome}}">{{outcome}}</span></td><td class="num">{{duration}}</td><td class="num">{{pages}}</td><td class="num">{{channels}}</td><td class="num">{{changed}}</td><td class="num">{{events}}</td><td class="error">{{error}}{{#traceID}} <span class="muted">(trace <code>{{.}}</code>)</span>{{/traceID}}</td></tr>
        {{/polls}}
        {{^polls}}<tr><td colspan="8" class="muted">No poll recorded yet.</td></tr>{{/polls}}
        </tbody>
        </table></div>
        </section>
        {{/partners}}
        {{/content}}{{/layout}}
        """

    static let alerts = """
        {{<layout}}{{$content}}
        <h1>{{heading}}</h1>
        {{>filters}}
        <p class="hint">{{total}} {{totalLabel}}. <strong>Silence 2h</strong> mutes one alert's channel and rule for two hours, on every replica; the alert still opens and closes, and is notified once when the silence ends while it fires.</p>
        <div class="table-wrap"><table>
        <caption>Alerts, newest first</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Phone</th><th scope="col">Client</th><th scope="col">WABA</th><th scope="col">Partner</th><th scope="col">Summary</th><th scope="col">Notified</th><th scope="col">Silence</th></tr></thead>
        <tbody>
        {{#rows}}<tr>
        <td class="nowrap"><time datetime="{{iso}}">{{started}}</time><br><span class="hint">{{ago}}</span></td>
        <td><span class="badge {{severity}}">{{severity}}</span></td>
        <td><a href="{{href}}">{{rule}}</a>{{#resolved}}<br><span class="badge resolved">resolved {{.}}</span>{{/resolved}}</td>
        <td class="nowrap">{{phone}}<br><span class="hint">{{phoneName}}</span></td>
        <td>{{client}}</td><td>{{waba}}</td><td>{{partner}}</td>
        <td>{{summaryText}}</td>
        <td>{{#held}}<span class="badge held">{{notification}}</span>{{/held}}{{^held}}<span class="hint">{{notification}}</span>{{/held}}</td>
        <td>{{#firing}}<form class="inline" method="post" action="/silences">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#matchers}}<input type="hidden" name="match" value="{{.}}">{{/matchers}}
        <input type="hidden" name="duration" value="2h"><input type="hidden" name="comment" value="silenced from the console: {{rule}} on {{phone}}">
        <input type="hidden" name="back" value="{{back}}">
        <button class="secondary" type="submit" aria-label="Silence {{rule}} on {{phone}} for 2 hours">Silence 2h</button></form>
        <a class="hint" href="{{customSilence}}">other…</a>{{/firing}}</td>
        </tr>
        {{/rows}}
        {{^rows}}<tr><td colspan="10" class="muted">No alert matches.</td></tr>{{/rows}}
        </tbody>
        </table></div>
        {{>pager}}
        {{/content}}{{/layout}}
        """

    /// The head and rows of an events table (the events page, an alert's history).
    static let eventTable = """
        <thead><tr><th scope="col">Observed</th><th scope="col">Status</th><th scope="col">Rule</th><th scope="col">Phone</th><th scope="col">Partner</th><th scope="col">From → to</th><th scope="col">Delivery</th><th scope="col">Summary</th></tr></thead>
        <tbody>
        {{#events}}<tr>
        <td class="nowrap"><time datetime="{{iso}}">{{observed}}</time><br><span class="hint">{{ago}}</span></td>
        <td><span class="badge {{status}}">{{status}}</span></td>
        <td>{{rule}}</td>
        <td class="nowrap">{{phone}}<br><span class="hint">{{phoneName}}</span></td>
        <td>{{partner}}</td>
        <td>{{change}}</td>
        <td>{{#suppressed}}<span class="badge held">{{delivery}}</span>{{/suppressed}}{{^suppressed}}<span class="hint">{{delivery}}</span>{{/suppressed}}</td>
        <td>{{summaryText}}</td>
        </tr>
        {{/events}}
        {{^events}}<tr><td colspan="8" class="muted">No event matches.</td></tr>{{/events}}
        </tbody>
        """

    static let events = """
        {{<layout}}{{$content}}
        <h1>Events</h1>
        {{>filters}}
        <div class="table-wrap"><table>
        <caption>Events, newest first</caption>
        {{>event-table}}
        </table></div>
        {{>pager}}
        {{/content}}{{/layout}}
        """

    /// The head and rows of a deliveries table (the deliveries page, an alert's history).
    static let deliveryTable = """
        <thead><tr><th scope="col">Created</th><th scope="col">Receiver</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col" class="num">Events</th><th scope="col">Group</th><th scope="col">Next / done</th><th scope="col">Last error</th><th scope="col">Action</th></tr></thead>
        <tbody>
        {{#deliveries}}<tr>
        <td class="nowrap"><time datetime="{{iso}}">{{created}}</time><br><span class="hint">{{ago}}</span></td>
        <td>{{receiver}}</td>
        <td><span class="badge {{status}}">{{status}}</span>{{#isReminder}} <span class="hint">reminder</span>{{/isReminder}}</td>
        <td class="num">{{attempts}}</td>
        <td class="num">{{events}}</td>
        <td><code>{{group}}</code></td>
        <td class="nowrap">{{when}}</td>
        <td class="error">{{lastError}}</td>
        <td>{{#dead}}<form class="inline" method="post" action="/deliveries/{{id}}/retry"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="back" value="{{back}}"><button type="submit" aria-label="Retry delivery {{id}} to {{receiver}}">Retry</button></form>{{/dead}}</td>
        </tr>
        {{/deliveries}}
        {{^deliveries}}<tr><td colspan="9" class="muted">No delivery matches.</td></tr>{{/deliveries}}
        </tbody>
        """

    static let deliveries = """
        {{<layout}}{{$content}}
        <h1>Deliveries</h1>
        {{>filters}}
        {{#hasDead}}<form class="inline" method="post" action="/deliveries/retry-dead"><input type="hidden" name="csrf" value="{{csrf}}"><button class="danger" type="submit">Retry all {{deadCount}} dead deliveries</button></form>{{/hasDead}}
        <p class="hint">A dead delivery gave up (a refusal such as Slack's <code>invalid_payload</code>, or 24 h of failures); Retry queues it again, due now, with the same delivery id.</p>
        <div class="table-wrap"><table>
        <caption>Deliveries, newest first</caption>
        {{>delivery-table}}
        </table></div>
        {{>pager}}
        {{/content}}{{/layout}}
        """

    static let alert = """
        {{<layout}}{{$content}}
        <h1>{{rule}} on {{phone}}</h1>
        <dl class="facts">
        <dt>Status</dt><dd><span class="badge {{status}}">{{status}}</span> {{notification}}</dd>
        <dt>Severity</dt><dd><span class="badge {{severity}}">{{severity}}</span></dd>
        <dt>Summary</dt><dd>{{summaryText}}</dd>
        <dt>Started</dt><dd><time datetime="{{iso}}">{{started}}</time> ({{ago}})</dd>
        {{#resolved}}<dt>Resolved</dt><dd>{{.}}</dd>{{/resolved}}
        <dt>Partner</dt><dd>{{partner}}</dd>
        <dt>Channel</dt><dd><code>{{channelID}}</code> {{phone}} {{phoneName}}</dd>
        <dt>Client</dt><dd>{{client}}</dd>
        <dt>WABA</dt><dd>{{waba}}</dd>
        {{#missing}}<dt>Missing</dt><dd>absent from the listing since {{.}}</dd>{{/missing}}
        {{#current}}<dt>Now: {{title}}</dt><dd>{{value}}</dd>{{/current}}
        </dl>
        {{#firing}}
        <h2>Silence it</h2>
        <form class="stack" method="post" action="/silences">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="back" value="{{back}}">
        <div class="row">
        {{#matchers}}<label>Matcher<input name="match" value="{{.}}" size="30"></label>{{/matchers}}
        </div>
        <div class="row">
        <label>For<select name="duration"><option value="1h">1 hour</option><option value="2h" selected>2 hours</option><option value="8h">8 hours</option><option value="1d">1 day</option><option value="7d">7 days</option></select></label>
        <label>Comment (required: why, for the next person on call)<input name="comment" required size="50"></label>
        </div>
        <div><button type="submit">Create silence</button></div>
        </form>
        {{/firing}}
        <h2>Events of this rule on this channel</h2>
        <div class="table-wrap"><table>
        {{>event-table}}
        </table></div>
        <h2>Times it fired</h2>
        <div class="table-wrap"><table>
        <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Resolved</th><th scope="col">Notified</th></tr></thead>
        <tbody>
        {{#occurrences}}<tr><td><a href="{{href}}">{{started}}</a></td><td><span class="badge {{status}}">{{status}}</span></td><td>{{resolved}}</td><td>{{notification}}</td></tr>{{/occurrences}}
        </tbody>
        </table></div>
        <h2>Deliveries</h2>
        <div class="table-wrap"><table>
        {{>delivery-table}}
        </table></div>
        {{/content}}{{/layout}}
        """

    static let silences = """
        {{<layout}}{{$content}}
        <h1>Silences</h1>
        <h2 id="new">New silence</h2>
        <form class="stack" method="post" action="/silences" aria-labelledby="new">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p class="hint">Matchers as in a route's <code>match</code>: <code>waba_id=104000001</code>, <code>rule=~quality_.*</code>. Labels: {{labels}}. Every matcher must hold.</p>
        <div class="row">
        {{#matchers}}<label>Matcher<input name="match" value="{{.}}" size="30" placeholder="label=value or label=~regex"></label>{{/matchers}}
        </div>
        <div class="row">
        <label>Duration<input name="duration" value="{{duration}}" size="8" placeholder="2h"></label>
        <label>or ends at (ISO 8601)<input name="ends_at" value="{{endsAt}}" size="22" placeholder="2026-12-24T18:00:00Z"></label>
        <label>Starts at (empty: now)<input name="starts_at" value="{{startsAt}}" size="22"></label>
        </div>
        <div class="row">
        <label>Comment (required: why, for the next person on call)<input name="comment" value="{{comment}}" size="60" required></label>
        <label>Created by<input name="created_by" value="{{createdBy}}" size="20"></label>
        </div>
        <div><button type="submit">Create silence</button></div>
        </form>
        <h2>{{listHeading}}</h2>
        <p><a href="{{toggleHref}}">{{toggleLabel}}</a></p>
        <div class="table-wrap"><table>
        <thead><tr><th scope="col">State</th><th scope="col">Matchers</th><th scope="col">Starts</th><th scope="col">Ends</th><th scope="col">Comment</th><th scope="col">Created by</th><th scope="col">Action</th></tr></thead>
        <tbody>
        {{#rows}}<tr>
        <td><span class="badge {{state}}">{{state}}</span></td>
        <td>{{#matchers}}<code>{{.}}</code> {{/matchers}}</td>
        <td class="nowrap">{{starts}}</td><td class="nowrap">{{ends}}<br><span class="hint">{{endsAgo}}</span></td>
        <td>{{comment}}</td><td>{{createdBy}}</td>
        <td>{{#live}}<form class="inline" method="post" action="/silences/{{id}}/expire"><input type="hidden" name="csrf" value="{{csrf}}"><button class="secondary" type="submit" aria-label="Expire the silence {{id}}">Expire</button></form>{{/live}}</td>
        </tr>
        {{/rows}}
        {{^rows}}<tr><td colspan="7" class="muted">No silence.</td></tr>{{/rows}}
        </tbody>
        </table></div>
        {{>pager}}
        {{/content}}{{/layout}}
        """

    static let webhooks = """
        {{<layout}}{{$content}}
        <h1>Inbound partner webhooks</h1>
        {{>filters}}
        <p class="hint">Every accepted event is committed before its 200; repeats are counted on the first. Bodies are never shown.</p>
        <div class="table-wrap"><table>
        <caption>Inbound webhooks, newest first</caption>
        <thead><tr><th scope="col">Received</th><th scope="col">Partner</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col" class="num">Repeats</th><th scope="col">Named</th><th scope="col">Outcome</th><th scope="col" class="num">Bytes</th></tr></thead>
        <tbody>
        {{#rows}}<tr>
        <td class="nowrap"><time datetime="{{iso}}">{{received}}</time><br><span class="hint">{{ago}}</span></td>
        <td>{{partner}}</td><td>{{event}}</td><td><span class="badge {{status}}">{{status}}</span></td>
        <td class="num">{{duplicates}}</td><td>{{names}}</td><td>{{outcome}}</td><td class="num">{{bytes}}</td>
        </tr>
        {{/rows}}
        {{^rows}}<tr><td colspan="8" class="muted">No inbound webhook matches.</td></tr>{{/rows}}
        </tbody>
        </table></div>
        {{>pager}}
        {{/content}}{{/layout}}
        """
}
