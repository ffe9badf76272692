package io.carpgate.proxy;

/**
 * The heart of the sync path: a whole request body in, what to do with it out. No HTTP here; the
 * {@link Interception} stage around it turns the result into an answer or a forward, and turns any
 * exception into a rejection.
 */
interface Interceptor {
    Intercepted intercept(byte[] body);
}
