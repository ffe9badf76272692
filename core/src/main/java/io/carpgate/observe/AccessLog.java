package io.carpgate.observe;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code access.log}: one NCSA combined line per HTTP request, then the XML-RPC method(s), the decision and
 * the milliseconds. Never a body or an Authorization value (the user name only).
 */
public final class AccessLog implements ExchangeListener {
    public static final String LOGGER = "carpgate.access";
    private static final DateTimeFormatter NCSA_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private final Logger access = LoggerFactory.getLogger(LOGGER);

    @Override
    public void onComplete(ExchangeRecord record) {
        access.info(line(record));
    }

    static String line(ExchangeRecord r) {
        return r.client() + " - " + r.user().orElse("-")
                + " [" + r.time().format(NCSA_TIME) + "] "
                + quote(r.requestLine()) + " " + r.closedBy().map(c -> "-").orElse(Integer.toString(r.status()))
                + " " + (r.bytesOut() == 0 ? "-" : r.bytesOut())
                + " " + quote(dash(r.referer())) + " " + quote(dash(r.userAgent()))
                + " method=" + r.methodSummary()
                + " decision=" + r.decisionSummary()
                + (r.observed() ? " mode=observe" : "")
                + r.closedBy().map(c -> " closed=" + c.word() + " \"" + c.why() + "\"").orElse("")
                + " ms=" + r.elapsed().toMillis();
    }

    private static String dash(Optional<String> value) {
        return value.orElse("-");
    }

    /** NCSA quoting; what could end or reorder the line is replaced, so one request stays one line. */
    private static String quote(String value) {
        return "\"" + LogText.oneLine(value.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }
}
