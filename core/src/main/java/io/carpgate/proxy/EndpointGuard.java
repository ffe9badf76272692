package io.carpgate.proxy;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Only {@code …/xmlrpc.php} is forwarded. The master appends {@code xmlrpc.php} to whatever base URL it was
 * given, so any prefix under the pair's path reaches the backup's one endpoint; everything else is 404.
 */
final class EndpointGuard extends Handler.Wrapper {
    static final String ENDPOINT = "/xmlrpc.php";

    EndpointGuard(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path != null && path.endsWith(ENDPOINT)) {
            return super.handle(request, response, callback);
        }
        OwnAnswers.closeAfterAnswer(response);
        OwnAnswers.notFound(request, response, callback);
        return true;
    }
}
