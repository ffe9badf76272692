package io.carpgate.sim;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the simulated backup received it. Headers hold {@code Content-Type},
 * {@code User-Agent}, {@code Content-Length} or {@code Transfer-Encoding}, {@code Expect} and, for Basic auth, {@code Authorization} reduced to {@code Basic <user>} (the
 * password is never kept). The body is kept byte-exact for test assertions; it may hold secrets, so it is
 * never logged and {@link #toString()} leaves it out. {@code rawQuery} is the query string exactly as it arrived.
 */
public record ReceivedCall(String path, String method, Map<String, String> headers, byte[] body,
                           Optional<String> methodName, Optional<String> rawQuery) {
    public ReceivedCall {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedCall other && path.equals(other.path) && method.equals(other.method)
                && headers.equals(other.headers) && Arrays.equals(body, other.body)
                && methodName.equals(other.methodName) && rawQuery.equals(other.rawQuery);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(path, method, headers, Arrays.hashCode(body), methodName, rawQuery);
    }

    @Override
    public String toString() {
        return "ReceivedCall[" + method + " " + path + ", methodName=" + methodName.orElse("-")
                + ", headers=" + headers + ", body=" + body.length + " bytes]";
    }
}
