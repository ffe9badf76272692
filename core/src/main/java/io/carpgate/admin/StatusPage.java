package io.carpgate.admin;

import io.carpgate.observe.Overview;
import io.carpgate.observe.PairStatus;
import io.carpgate.observe.RecentDecisions;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.util.StringUtil;

/**
 * The read-only status page, rendered on the server as plain HTML (no script: the page refreshes itself).
 * Every value is escaped; the page shows names, uuids, states and decision reasons, never payload values.
 */
final class StatusPage {
    static final int REFRESH_SECONDS = 5;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ENGLISH);
    private static final DateTimeFormatter SHORT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ENGLISH);

    private StatusPage() {}

    static String render(Overview overview, List<PairStatus> pairs, List<RecentDecisions.Entry> decisions, Clock clock) {
        ZoneId zone = clock.getZone();
        StringBuilder html = new StringBuilder(8192);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>carpgate status</title><style>").append(STYLE).append("</style></head><body>")
                .append("<h1>carpgate</h1><p class=\"updated\">Updated ")
                .append(esc(ZonedDateTime.now(clock).format(TIME))).append(" &middot; refreshes every ")
                .append(REFRESH_SECONDS).append(" s</p>");
        conflicts(html, pairs, clock);
        overview(html, overview, pairs, zone);
        for (PairStatus pair : pairs) {
            pair(html, pair);
        }
        decisions(html, decisions, zone);
        return html.append("</body></html>").toString();
    }

    /**
     * Above everything, one red row per conflict the watch found on a backup, with since when: the one thing on
     * the page that means traffic is being lost now. Nothing at all when there is none.
     */
    private static void conflicts(StringBuilder html, List<PairStatus> pairs, Clock clock) {
        List<String> rows = new java.util.ArrayList<>();
        for (PairStatus pair : pairs) {
            for (PairStatus.ConflictRow c : pair.watch().conflicts()) {
                rows.add("<tr class=\"conflict\"><td>" + esc(pair.name()) + "</td><td>" + esc(c.text())
                        + "</td><td class=\"since\" title=\"" + esc(c.since().atZone(clock.getZone()).format(TIME))
                        + "\">since " + esc(c.since().atZone(clock.getZone()).format(TIME)) + " ("
                        + ago(java.time.Duration.between(c.since(), clock.instant()).abs()) + ")</td></tr>");
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        html.append("<section class=\"conflicts\"><table class=\"conflicts\"><thead><tr><th>Pair</th>")
                .append("<th>Conflict on the backup</th><th>Since</th></tr></thead><tbody>");
        rows.forEach(html::append);
        html.append("</tbody></table></section>");
    }

    /** What an admin checks first: is it enforcing, which version, what happens when CARP is unknown, which pin. */
    private static void overview(StringBuilder html, Overview overview, List<PairStatus> pairs, ZoneId zone) {
        String policies = String.join(", ", pairs.stream().map(PairStatus::onUnknownCarp).distinct().sorted().toList());
        html.append("<section class=\"overview\"><dl>")
                .append("<div><dt>Mode</dt><dd class=\"mode mode-").append(esc(overview.mode())).append("\">")
                .append(esc(overview.mode())).append("observe".equals(overview.mode())
                        ? " &mdash; decisions are only logged; every request goes to the backup unchanged" : "")
                .append("</dd></div>")
                .append("<div><dt>Version</dt><dd>").append(esc(overview.version())).append("</dd></div>")
                .append("<div><dt>on-unknown-carp</dt><dd class=\"policy\">").append(esc(policies.isEmpty() ? "-" : policies))
                .append("</dd></div>")
                .append("<div><dt>carpgate certificate SHA-256</dt><dd><span class=\"uuid fingerprint\">")
                .append(esc(overview.listenerFingerprint())).append("</span> <span class=\"age\">(expires ")
                .append(esc(overview.listenerNotAfter().atZone(zone).format(DAY))).append(")</span></dd></div>")
                .append("<div><dt>Last reload</dt>");
        if (overview.lastReloadRejected().isPresent()) {
            html.append("<dd class=\"reload-rejected\">REJECTED, the configuration before it stays in force: ")
                    .append(esc(overview.lastReloadRejected().get())).append("</dd>");
        } else {
            html.append("<dd class=\"reload-ok\">in force</dd>");
        }
        html.append("</div>");
        for (String problem : overview.logProblems()) {
            html.append("<div><dt>Logs</dt><dd class=\"logs-failing\">").append(esc(problem)).append("</dd></div>");
        }
        html.append("</dl></section>");
    }

    private static void pair(StringBuilder html, PairStatus pair) {
        html.append("<section class=\"pair\" id=\"pair-").append(esc(pair.name())).append("\">")
                .append("<h2>Pair ").append(esc(pair.name())).append(" <span class=\"path\">at ")
                .append(esc(pair.path())).append("</span></h2><p class=\"backup\">Backup ")
                .append(esc(pair.backup().toString())).append(": ");
        if (pair.carpProblem().isPresent()) {
            html.append("<span class=\"api-down\">CARP state unknown: ").append(esc(pair.carpProblem().get()))
                    .append("</span>");
        } else {
            html.append("<span class=\"api-up\">API answers</span>");
        }
        // The page never reads the backup itself: it shows carpgate's last read, and how old it is.
        pair.carpAge().ifPresent(age -> html.append(" <span class=\"age\">(CARP state read ")
                .append(ago(age)).append(")</span>"));
        html.append("</p>");
        watch(html, pair.watch());
        html.append("<h3>VHIDs on the backup</h3>");
        table(html, "vhids", List.of("VHID", "Interface", "Backup VIP uuid", "CARP state"), pair.vhids(),
                row -> "<td>" + row.vhid() + "</td><td>" + esc(row.iface()) + "</td><td class=\"uuid\">"
                        + esc(row.backupVipUuid()) + "</td>" + state(row.state()),
                "No CARP VIPs known.");
        // A restore that syncs VIPs gives them the master's uuids on the backup at once; the page shows them only
        // after carpgate's next read, so it says where its values come from.
        html.append("<p class=\"vips-from\">VIP uuids and states as the backup's API listed them at carpgate's last "
                + "read; a restore since then that syncs VIPs changes their uuids on the backup, shown here after the "
                + "next read (the next start the master sends, or within limits.carp-refresh).</p>");
        html.append("<h3>Items with a CARP dependency</h3>");
        table(html, "instances", List.of("Kind", "Item", "Known from", "Follows VHID", "Interface", "CARP state",
                        "Starts on the backup"), pair.instances(),
                row -> "<td>" + esc(row.kind()) + "</td><td>" + esc(row.instance()) + "</td><td title=\"" + esc(row.basis())
                        + "\">" + esc(row.source())
                        + "</td><td>" + row.vhid().map(String::valueOf).orElse("-") + "</td><td>"
                        + esc(row.iface().orElse("-")) + "</td>" + state(row.state()) + "<td>"
                        + (!row.gated() ? "not gated" : "MASTER".equals(row.state()) ? "pass" : "suppressed") + "</td>",
                "None yet: WireGuard instances, OpenVPN instances and DHCP relays appear from the VHID map and from "
                        + "the first sync.");
        html.append("</section>");
    }

    /** How the watch of this backup goes: off, not read yet, its last read and, when it failed, why. */
    private static void watch(StringBuilder html, PairStatus.Watch watch) {
        html.append("<p class=\"watch\">Watch: ");
        if (!watch.enabled()) {
            html.append("off (watch.interval)</p>");
            return;
        }
        if (watch.lastRead().isEmpty()) {
            html.append("no read of the backup's interfaces and routes yet</p>");
            return;
        }
        html.append(watch.conflicts().isEmpty() ? "<span class=\"api-up\">no conflict</span>"
                : "<span class=\"api-down\">" + watch.conflicts().size() + " conflict(s), see the top of the page</span>");
        watch.problem().ifPresent(p -> html.append("; <span class=\"api-down\">last read failed: ").append(esc(p))
                .append("</span>"));
        html.append(" <span class=\"age\">(last read ").append(esc(watch.lastRead().get().toString()))
                .append(")</span></p>");
    }

    /**
     * One line per decision at 1280 px: a short time (the full one on hover), the method without its
     * {@code opnsense.} prefix, the item, and the reason cut to the width left (whole on hover). Suppressed,
     * rejected and failed rows are coloured.
     */
    private static void decisions(StringBuilder html, List<RecentDecisions.Entry> decisions, ZoneId zone) {
        html.append("<section class=\"decisions\"><h2>Last decisions</h2>");
        if (decisions.isEmpty()) {
            html.append("<p class=\"empty\">No calls since carpgate started.</p></section>");
            return;
        }
        html.append("<table class=\"decisions\"><colgroup><col class=\"c-time\"><col class=\"c-pair\">")
                .append("<col class=\"c-client\"><col class=\"c-method\"><col class=\"c-item\"><col class=\"c-vhid\">")
                .append("<col class=\"c-carp\"><col class=\"c-decision\"><col class=\"c-reason\"></colgroup><thead><tr>");
        List.of("Time", "Pair", "Client", "Method", "Item", "VHID", "CARP", "Decision", "Reason")
                .forEach(h -> html.append("<th>").append(esc(h)).append("</th>"));
        html.append("</tr></thead><tbody>");
        for (RecentDecisions.Entry e : decisions) {
            // The kind, then the item by name; a call that names no item shows its service unless that is the kind.
            String what = e.instance().or(() -> e.service().filter(s -> !e.kind().equals(Optional.of(s)))).orElse("");
            String item = (e.kind().orElse("") + " " + what).strip();
            item = item.isEmpty() ? "-" : item;
            html.append("<tr class=\"decision-").append(esc(e.decision())).append(e.observed() ? " observed" : "")
                    .append("\">")
                    .append(cell(e.time().atZone(zone).format(SHORT_TIME), e.time().atZone(zone).format(TIME)))
                    .append(cell(e.pair(), e.pair()))
                    .append(cell(e.client(), e.client()))
                    .append(cell(e.method().replaceFirst("^opnsense\\.", ""), e.method()))
                    .append(cell(item, item))
                    .append(cell(e.vhid().orElse("-"), e.vhid().orElse("-")))
                    .append(cell(e.carp().orElse("-"), e.carp().orElse("-")))
                    // observe mode: the word is what carpgate would have done; the call went on unchanged.
                    .append("<td class=\"decision\" title=\"").append(e.observed()
                            ? "observe mode: only logged, the request went to the backup unchanged" : esc(e.decision()))
                    .append("\">").append(esc(e.decision())).append("</td>")
                    .append(cell(e.reason(), e.reason()))
                    .append("</tr>");
        }
        html.append("</tbody></table></section>");
    }

    /** A cell showing {@code text}, with {@code full} on hover (cells are cut to their column's width). */
    private static String cell(String text, String full) {
        return "<td title=\"" + esc(full) + "\">" + esc(text) + "</td>";
    }

    /** A table of one row per item ({@code cells} gives a row's escaped cells), or a paragraph when there are none. */
    private static <T> void table(StringBuilder html, String cssClass, List<String> headers, List<T> items,
                                  Function<T, String> cells, String whenEmpty) {
        if (items.isEmpty()) {
            html.append("<p class=\"empty\">").append(esc(whenEmpty)).append("</p>");
            return;
        }
        html.append("<table class=\"").append(cssClass).append("\"><thead><tr>");
        headers.forEach(h -> html.append("<th>").append(esc(h)).append("</th>"));
        html.append("</tr></thead><tbody>");
        items.forEach(item -> html.append("<tr>").append(cells.apply(item)).append("</tr>"));
        html.append("</tbody></table>");
    }

    private static String state(String state) {
        return "<td class=\"state state-" + esc(state.toLowerCase(Locale.ROOT)) + "\">" + esc(state) + "</td>";
    }

    static String ago(java.time.Duration age) {
        long seconds = age.toSeconds();
        if (seconds < 120) {
            return seconds + " s ago";
        }
        return seconds < 7200 ? seconds / 60 + " min ago" : seconds / 3600 + " h ago";
    }

    private static String opt(Optional<String> value) {
        return esc(value.orElse("-"));
    }

    /** Text and attribute values escaped for HTML; control characters, which XML/HTML cannot carry, become '?'. */
    static String esc(String text) {
        return StringUtil.sanitizeXmlString(text);
    }

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;"
            + "text-align:left}th{background:#f3f3f3}.uuid{font-family:monospace}.path{color:#666;font-weight:normal}"
            + ".state-master{background:#d9f2d9}.state-backup{background:#e8eefc}.state-unknown,.state-init,"
            + ".state-disabled{background:#fde2c8}.api-down{color:#a00;font-weight:bold}.api-up{color:#070}"
            + "table.conflicts{width:100%}tr.conflict td{background:#f8d7da;color:#700;font-weight:bold}"
            + ".updated,.age,.vips-from{color:#666}.vips-from{font-size:.85em;margin-top:-1em}"
            + ".overview dl{display:flex;flex-wrap:wrap;gap:.4em 2em;margin:0 0 1em}.overview dt{color:#666;font-size:.85em}"
            + ".overview dd{margin:0;font-weight:bold}.mode-observe,.reload-rejected,.logs-failing{color:#a00}.mode-enforce,.reload-ok{color:#070}"
            // One line per decision: fixed columns, every cell cut with an ellipsis (the whole text on hover).
            + "table.decisions{table-layout:fixed;width:100%;font-size:.85em}"
            + "table.decisions td,table.decisions th{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
            + ".c-time{width:5.6em}.c-pair{width:5.5em}.c-client{width:8em}.c-method{width:16.5em}.c-item{width:11em}"
            + ".c-vhid{width:4em}.c-carp{width:7.5em}.c-decision{width:7.5em}tr.observed .decision{font-style:italic}"
            + "table.decisions td,table.decisions th{padding:.2em .4em}"
            + "tr.decision-suppressed td{background:#fff3cd}tr.decision-rejected td,tr.decision-failed td{background:#f8d7da}"
            + "tr.decision-suppressed .decision,tr.decision-rejected .decision,tr.decision-failed .decision{font-weight:bold}";
}
