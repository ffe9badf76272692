package io.carpgate.sim;

/**
 * A {@code dateTime.iso8601} value as IXR_Date keeps it: the trimmed text, cut into fields by position
 * (IXR uses substr, so malformed text yields odd fields rather than an error).
 */
public record IxrDate(String iso) {
    public String year() {
        return cut(0, 4);
    }

    public String month() {
        return cut(4, 2);
    }

    public String day() {
        return cut(6, 2);
    }

    public String hour() {
        return cut(9, 2);
    }

    public String minute() {
        return cut(12, 2);
    }

    public String second() {
        return cut(15, 2);
    }

    public String timezone() {
        return iso.length() > 17 ? iso.substring(17) : "";
    }

    private String cut(int from, int length) {
        if (from >= iso.length()) {
            return "";
        }
        return iso.substring(from, Math.min(iso.length(), from + length));
    }
}
