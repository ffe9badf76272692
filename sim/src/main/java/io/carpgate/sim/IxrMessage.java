package io.carpgate.sim;

import java.util.List;

/**
 * What IXR_Message ends with after parse(): the root-ish tag seen ({@code methodCall}, ...; empty when
 * none), the trimmed methodName and the top-level values in order. Values are PHP-shaped Java objects:
 * String, Long, Double, Boolean, IxrDate, LinkedHashMap (struct) and ArrayList (array).
 */
record IxrMessage(String messageType, String methodName, List<Object> params) {}
