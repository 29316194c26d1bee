/// The console's one stylesheet, served as `/static/console.css` (the Content-Security-Policy
/// allows styles from the console itself only, never inline). Readable on a phone: tables
/// scroll sideways inside their box, forms wrap.
enum ConsoleStylesheet {
    static let text = """
        :root { --ink: #1d2430; --muted: #5b6575; --line: #d9dee7; --bg: #f6f7f9; --card: #fff; --accent: #0b5cad;
                --critical: #b3261e; --warning: #8a5300; --info: #285c9c; --ok: #1e6b3a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
               color: var(--ink); background: var(--bg); }
        a { color: var(--accent); }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
        header.top { background: #14213d; color: #fff; display: flex; flex-wrap: wrap; align-items: center; gap: 4px 20px;
                     padding: 8px 16px; }
        header.top .brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 17px; }
        header.top nav ul { display: flex; flex-wrap: wrap; gap: 2px 4px; list-style: none; margin: 0; padding: 0; }
        header.top nav a { color: #dfe7f5; text-decoration: none; padding: 6px 10px; border-radius: 6px; display: inline-block; }
        header.top nav a[aria-current="page"], header.top nav a:hover { background: #2b3d66; color: #fff; }
        header.top .who { margin-left: auto; color: #b9c4d8; font-size: 13px; }
        .count { background: #2b3d66; color: #fff; border-radius: 9px; padding: 0 7px; font-size: 12px; margin-left: 2px; }
        .count.bad { background: var(--critical); }
        main { padding: 16px; max-width: 1400px; margin: 0 auto; }
        h1 { font-size: 22px; margin: 4px 0 12px; }
        h2 { font-size: 18px; margin: 24px 0 8px; }
        h3 { font-size: 15px; margin: 12px 0 6px; }
        .muted, .hint { color: var(--muted); }
        .hint { font-size: 13px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; margin-bottom: 8px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        .card .figure { font-size: 26px; font-weight: 700; display: block; }
        .card a { text-decoration: none; color: inherit; }
        .card.alarm { border-color: var(--critical); }
        .card.alarm .figure { color: var(--critical); }
        section.partner { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 14px;
                          margin: 16px 0; }
        .states { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; }
        .states table { width: 100%; }
        .states td.value { overflow-wrap: break-word; }
        meter { width: 70px; height: 10px; }
        meter::-webkit-meter-optimum-value { background: #5b7db5; }
        .table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        caption { text-align: left; padding: 8px 10px; font-weight: 600; }
        th, td { text-align: left; padding: 6px 10px; border-top: 1px solid var(--line); vertical-align: top; }
        thead th { background: #eef1f5; border-top: none; white-space: nowrap; font-size: 13px; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.nowrap { white-space: nowrap; }
        td.error { color: var(--critical); max-width: 32em; font-size: 13px; }
        .badge { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px; font-weight: 600;
                 border: 1px solid currentColor; white-space: nowrap; }
        .badge.critical, .badge.dead, .badge.incomplete, .badge.firing { color: var(--critical); }
        .badge.warning, .badge.pending, .badge.held { color: var(--warning); }
        .badge.info, .badge.changed, .badge.received, .badge.targeted { color: var(--info); }
        .badge.ok, .badge.delivered, .badge.complete, .badge.resolved, .badge.active, .badge.processed { color: var(--ok); }
        .badge.expired, .badge.muted { color: var(--muted); }
        form.filters { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-end; background: var(--card);
                       border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; }
        form.filters label, form.stack label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 2px; }
        input, select, textarea, button { font: inherit; }
        input, select, textarea { border: 1px solid #b8c1cf; border-radius: 6px; padding: 5px 8px; background: #fff; color: var(--ink); }
        button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 6px 12px; cursor: pointer;
                          text-decoration: none; display: inline-block; }
        button.secondary { background: #e4e9f1; color: var(--ink); }
        button.danger { background: var(--critical); }
        form.inline { display: inline; margin: 0; }
        form.stack { display: grid; gap: 10px; background: var(--card); border: 1px solid var(--line); border-radius: 8px;
                     padding: 12px; max-width: 720px; }
        form.stack .row { display: flex; flex-wrap: wrap; gap: 8px; }
        .notice { background: #e7f4ea; border: 1px solid #9ccbaa; border-radius: 8px; padding: 8px 12px; margin-bottom: 12px; }
        .problems { background: #fbeaea; border: 1px solid #e3a5a1; border-radius: 8px; padding: 8px 12px; margin-bottom: 12px; }
        .pager { display: flex; gap: 12px; margin: 10px 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: var(--card);
                   border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; word-break: break-word; }
        code { font-size: 13px; background: #eef1f5; padding: 0 4px; border-radius: 4px; overflow-wrap: break-word; }
        footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
        @media (max-width: 640px) {
            main { padding: 10px; }
            header.top .who { margin-left: 0; }
            th, td { padding: 5px 7px; }
        }
        """
}
