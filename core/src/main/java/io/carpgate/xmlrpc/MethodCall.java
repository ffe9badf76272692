package io.carpgate.xmlrpc;

import java.util.List;

/** A call as the backup's IXR server will dispatch it: trimmed method name and its parameters. */
public record MethodCall(String methodName, List<XmlRpcValue> params) {
    public MethodCall {
        params = List.copyOf(params);
    }
}
