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
        html.append("</p><h3>VHIDs on the backup</h3>");
        if (pair.vhids().isEmpty()) {
            html.append("<p class=\"empty\">No CARP VIPs known.</p>");
        } else {
            html.append("<table class=\"vhids\"><thead><tr><th>VHID</th><th>Interface</th><th>Backup VIP uuid</th>")
                    .append("<th>CARP state</th></tr></thead><tbody>");
            for (PairStatus.VhidRow row : pair.vhids()) {
                html.append("<tr><td>").append(row.vhid()).append("</td><td>").append(esc(row.iface()))
                        .append("</td><td class=\"uuid\">").append(esc(row.backupVipUuid())).append("</td>")
                        .append(state(row.state())).append("</tr>");
            }
            html.append("</tbody></table>");
        }
        html.append("<h3>WireGuard instances</h3>");
        if (pair.instances().isEmpty()) {
            html.append("<p class=\"empty\">None yet: instances appear from the VHID map and from the first sync.</p>");
        } else {
            html.append("<table class=\"instances\"><thead><tr><th>Instance</th><th>Known from</th><th>Follows VHID</th>")
                    .append("<th>Interface</th><th>CARP state</th><th>Starts on the backup</th></tr></thead><tbody>");
            for (PairStatus.InstanceRow row : pair.instances()) {
                html.append("<tr><td>").append(esc(row.instance())).append("</td><td>").append(esc(row.source()))
                        .append("</td><td>").append(row.vhid().map(String::valueOf).orElse("-")).append("</td><td>")
                        .append(esc(row.iface().orElse("-"))).append("</td>").append(state(row.state()))
                        .append("<td>").append("MASTER".equals(row.state()) ? "pass" : "suppressed").append("</td></tr>");
            }
            html.append("</tbody></table>");
        }
        html.append("</section>");
    }

    private static void decisions(StringBuilder html, List<RecentDecisions.Entry> decisions, ZoneId zone) {
        html.append("<section class=\"decisions\"><h2>Last decisions</h2>");
        if (decisions.isEmpty()) {
            html.append("<p class=\"empty\">No calls since carpgate started.</p></section>");
            return;
        }
        html.append("<table class=\"decisions\"><thead><tr><th>Time</th><th>Pair</th><th>Client</th><th>Method</th>")
                .append("<th>Service</th><th>Instance</th><th>VHID</th><th>CARP</th><th>Decision</th><th>Reason</th>")
                .append("</tr></thead><tbody>");
        for (RecentDecisions.Entry e : decisions) {
            html.append("<tr><td>").append(esc(e.time().atZone(zone).format(TIME))).append("</td><td>")
                    .append(esc(e.pair())).append("</td><td>").append(esc(e.client())).append("</td><td>")
                    .append(esc(e.method())).append("</td><td>").append(opt(e.service())).append("</td><td>")
                    .append(opt(e.instance())).append("</td><td>").append(opt(e.vhid())).append("</td><td>")
                    .append(opt(e.carp())).append("</td><td class=\"decision decision-").append(esc(e.decision()))
                    .append("\">").append(esc(e.decision())).append(e.observed() ? " (observe mode: forwarded)" : "")
                    .append("</td><td>").append(esc(e.reason())).append("</td></tr>");
        }
        html.append("</tbody></table></section>");
    }

    private static String state(String state) {
        return "<td class=\"state state-" + esc(state.toLowerCase(Locale.ROOT)) + "\">" + esc(state) + "</td>";
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
            + ".decision-suppressed,.decision-rejected,.decision-failed{font-weight:bold}.updated{color:#666}";
}
