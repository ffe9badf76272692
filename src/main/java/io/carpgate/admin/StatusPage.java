package io.carpgate.admin;

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

    private StatusPage() {}

    static String render(List<PairStatus> pairs, List<RecentDecisions.Entry> decisions, Clock clock) {
        ZoneId zone = clock.getZone();
        StringBuilder html = new StringBuilder(8192);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<title>carpgate status</title><style>").append(STYLE).append("</style></head><body>")
                .append("<h1>carpgate</h1><p class=\"updated\">Updated ")
                .append(esc(ZonedDateTime.now(clock).format(TIME))).append(" &middot; refreshes every ")
                .append(REFRESH_SECONDS).append(" s</p>");
        for (PairStatus pair : pairs) {
            pair(html, pair);
        }
        decisions(html, decisions, zone);
        return html.append("</body></html>").toString();
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
        html.append("</p><h3>VHIDs on the backup</h3>");
        table(html, "vhids", List.of("VHID", "Interface", "Backup VIP uuid", "CARP state"), pair.vhids(),
                row -> "<td>" + row.vhid() + "</td><td>" + esc(row.iface()) + "</td><td class=\"uuid\">"
                        + esc(row.backupVipUuid()) + "</td>" + state(row.state()),
                "No CARP VIPs known.");
        html.append("<h3>Items with a CARP dependency</h3>");
        table(html, "instances", List.of("Kind", "Item", "Known from", "Follows VHID", "Interface", "CARP state",
                        "Starts on the backup"), pair.instances(),
                row -> "<td>" + esc(row.kind()) + "</td><td>" + esc(row.instance()) + "</td><td>" + esc(row.source())
                        + "</td><td>" + row.vhid().map(String::valueOf).orElse("-") + "</td><td>"
                        + esc(row.iface().orElse("-")) + "</td>" + state(row.state()) + "<td>"
                        + (!row.gated() ? "not gated" : "MASTER".equals(row.state()) ? "pass" : "suppressed") + "</td>",
                "None yet: WireGuard instances, OpenVPN instances and DHCP relays appear from the VHID map and from "
                        + "the first sync.");
        html.append("</section>");
    }

    private static void decisions(StringBuilder html, List<RecentDecisions.Entry> decisions, ZoneId zone) {
        html.append("<section class=\"decisions\"><h2>Last decisions</h2>");
        table(html, "decisions", List.of("Time", "Pair", "Client", "Method", "Service", "Kind", "Instance", "VHID",
                        "CARP", "Decision", "Reason"), decisions,
                e -> "<td>" + esc(e.time().atZone(zone).format(TIME)) + "</td><td>" + esc(e.pair()) + "</td><td>"
                        + esc(e.client()) + "</td><td>" + esc(e.method()) + "</td><td>" + opt(e.service())
                        + "</td><td>" + opt(e.kind()) + "</td><td>" + opt(e.instance()) + "</td><td>" + opt(e.vhid())
                        + "</td><td>" + opt(e.carp())
                        + "</td><td class=\"decision decision-" + esc(e.decision()) + "\">" + esc(e.decision())
                        + (e.observed() ? " (observe mode: forwarded)" : "") + "</td><td>" + esc(e.reason()) + "</td>",
                "No calls since carpgate started.");
        html.append("</section>");
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
            + ".decision-suppressed,.decision-rejected,.decision-failed{font-weight:bold}.updated,.age{color:#666}";
}
