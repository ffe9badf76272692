package io.carpgate.sim;

import java.time.Duration;

/**
 * How long the simulated backup takes for each call before it answers, as OPNsense's PHP does (a real call takes
 * 50-500 ms: a small restore about 260 ms, an authenticated firmware_version about 800 ms). One form for every
 * user: by call and size (the benchmark's backup), of which a constant delay (a test) is the simplest case.
 */
@FunctionalInterface
public interface CallDelay {
    /** No delay: the default, so tests stay fast. */
    CallDelay NONE = new Constant(Duration.ZERO);

    /**
     * @param call the XML-RPC method name ({@code "-"} when the body is no call) or the API path
     * @param bodyBytes the request body's size in bytes
     * @return how long the call takes; zero or less: no delay
     */
    Duration of(String call, int bodyBytes);

    /** Every call takes {@code delay}. */
    static CallDelay constant(Duration delay) {
        return new Constant(delay);
    }

    /** The same delay for every call; a record so that the backup's options print it. */
    record Constant(Duration delay) implements CallDelay {
        public Constant {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delays must not be negative");
            }
        }

        @Override
        public Duration of(String call, int bodyBytes) {
            return delay;
        }
    }
}
