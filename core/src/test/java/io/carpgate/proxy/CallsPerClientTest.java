package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * One client address has at most {@code limits.max-calls-per-client} requests in a pair's path at once: the next is
 * answered 503 at once, before its body is read, and an address whose calls are done is forgotten.
 */
class CallsPerClientTest {
    @Test
    void theCallOverTheClientsLimitIsAnswered503AtOnceAndNothingIsKeptAfterwards() throws Exception {
        List<Callback> held = new CopyOnWriteArrayList<>();
        List<Response> responses = new CopyOnWriteArrayList<>();
        Handler holding = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                responses.add(response);
                held.add(callback); // the backup taking its time
                return true;
            }
        };
        ClientCalls calls = new ClientCalls(2);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (StageHarness harness = new StageHarness(next -> new CallsPerClient(calls, next), holding)) {
            Future<HttpTester.Response> one = callers.submit(() -> harness.post("<methodCall/>"));
            Future<HttpTester.Response> two = callers.submit(() -> harness.post("<methodCall/>"));
            Awaitility.await("two calls held").atMost(Duration.ofSeconds(20)).until(() -> held.size() == 2);

            HttpTester.Response third = harness.post("<methodCall/>");
            assertThat(third.getStatus()).isEqualTo(503);
            assertThat(third.get("Retry-After")).isEqualTo("5");
            assertThat(third.getContent()).contains("limits.max-calls-per-client", "nothing was sent to the backup");
            assertThat(held).as("the third never reached the next stage").hasSize(2);

            for (int i = 0; i < 2; i++) {
                responses.get(i).setStatus(200);
                held.get(i).succeeded();
            }
            assertThat(one.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            assertThat(two.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            Awaitility.await("the address forgotten").atMost(Duration.ofSeconds(20)).until(() -> calls.clients() == 0);
            Future<HttpTester.Response> again = callers.submit(() -> harness.post("<methodCall/>"));
            Awaitility.await("its calls done, the client's next reaches the next stage").atMost(Duration.ofSeconds(20))
                    .until(() -> held.size() == 3);
            responses.get(2).setStatus(200);
            held.get(2).succeeded();
            assertThat(again.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        } finally {
            callers.shutdownNow();
        }
    }

    /** One address's calls count together at every pair, and a reload's new stages share the same count. */
    @Test
    void aClientsCallsAtTwoPairsCountTogether() {
        ClientCalls calls = new ClientCalls(2);
        assertThat(calls.take("192.0.2.9")).as("its call at pair a").isTrue();
        assertThat(calls.take("192.0.2.9")).as("its call at pair b").isTrue();
        assertThat(calls.take("192.0.2.9")).as("a third, at either pair or after a reload").isFalse();
        assertThat(calls.take("192.0.2.1")).as("another address").isTrue();
        calls.max(3); // a reload raises it: the calls in flight keep their place
        assertThat(calls.take("192.0.2.9")).isTrue();
        for (int i = 0; i < 3; i++) {
            calls.give("192.0.2.9");
        }
        calls.give("192.0.2.1");
        assertThat(calls.clients()).as("nothing kept once the calls are done").isZero();
    }
}
