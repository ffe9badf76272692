package io.carpgate.proxy;

import io.carpgate.carp.FailureWords;
import java.time.Duration;

/**
 * What the master and the record are told when the proxy→backup hop failed: in plain words (no payload, no
 * secret, no Jetty internals), and truthful about the one thing that matters after a failure: whether the
 * backup may have run the call. Only a failure before the request's last byte was handed to the connection
 * may say the call was not delivered.
 *
 * @param reason for the decision log and the console
 * @param fault for the master's XML-RPC fault
 */
record UpstreamFailure(String reason, String fault) {
    static UpstreamFailure of(Throwable failure, Duration timeout, boolean sentWhole) {
        String words = FailureWords.of(failure, timeout);
        if (sentWhole) {
            String reason = words + " after the request was sent; the backup may have run the call";
            return new UpstreamFailure(reason,
                    "carpgate got no answer from the backup (the backup may still have run the call): " + words
                            + " after the request was sent");
        }
        String reason = words + "; the backup did not get the whole call";
        return new UpstreamFailure(reason, "carpgate could not deliver the call to the backup: " + reason);
    }
}
