package io.carpgate.proxy;

import io.carpgate.config.Access;
import io.carpgate.observe.BasicAuthUser;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/** allow-from and allowed-users, checked before a byte of the body is read. */
final class AccessCheck {
    private AccessCheck() {}

    /** Why this client may not talk to carpgate, or empty when it may. */
    static Optional<String> rejection(Request request, Access access) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null
                || !access.addressAllowed(inet.getAddress())) {
            return Optional.of("client address not in allow-from");
        }
        if (!access.userAllowed(BasicAuthUser.of(request.getHeaders().get(HttpHeader.AUTHORIZATION)))) {
            return Optional.of("user not in allowed-users");
        }
        return Optional.empty();
    }
}
