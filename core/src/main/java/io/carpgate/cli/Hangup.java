package io.carpgate.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP means "reload", as for most daemons ({@code systemctl reload}, {@code docker kill -s HUP}); carpgate also
 * reopens its log files then (logrotate's {@code postrotate}).
 */
final class Hangup {
    private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {}

    /**
     * Installs {@code action} as the SIGHUP handler.
     *
     * <p>The JDK has no supported signal API; {@code sun.misc.Signal} (module jdk.unsupported) is the one that
     * exists, and every JDK since 9 keeps it for this purpose. It is reached by reflection so that the build
     * (which treats warnings as errors) does not carry a "proprietary API" warning that cannot be suppressed.
     *
     * <p>A process started with SIGHUP ignored ({@code nohup}, some init scripts) keeps it ignored: the JVM
     * then installs no handler and only reports the old disposition. That is detected and said at start,
     * rather than leaving {@code kill -HUP} to do nothing in silence.
     *
     * @return why reload by signal is unavailable, or empty when SIGHUP now reloads
     */
    static Optional<String> onHangup(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object hup = signalClass.getConstructor(String.class).newInstance("HUP");
            Object handler = Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            LOG.info("SIGHUP: reloading the configuration and reopening the log files");
                            action.run();
                            return null;
                        }
                        // Object's own methods, should anything ask: identity semantics.
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "carpgate SIGHUP handler";
                        };
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, hup, handler);
            if (previous == handlerClass.getField("SIG_IGN").get(null)) {
                return Optional.of("SIGHUP was ignored when carpgate started (nohup?), and the JVM keeps it ignored: "
                        + "reload by signal is unavailable. Start it without nohup (systemd, docker, or "
                        + "'env --default-signal=HUP carpgate run ...')");
            }
            return Optional.empty();
        } catch (InvocationTargetException e) {
            return Optional.of("SIGHUP cannot be handled here (" + e.getCause().getMessage() + ")");
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.of("SIGHUP cannot be handled on this Java runtime (" + e.getClass().getSimpleName() + ")");
        }
    }
}
