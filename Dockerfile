# carpgate container (docs/production.md, "Container"): the jar is built with Maven, then run on Temurin's
# Java 25 JRE with its AOT cache, as the unprivileged user carpgate (uid 10001).
# Base images are pinned to exact versions; the runtime's Java build is the one the AOT cache is made for.
FROM maven:3.9.12-eclipse-temurin-25 AS build
WORKDIR /src
# The poms first, so that the layer of the product's dependencies is rebuilt only when a pom changes.
COPY pom.xml .
COPY core/pom.xml core/pom.xml
COPY sim/pom.xml sim/pom.xml
RUN mvn -B -q -pl core dependency:go-offline
COPY core ./core
COPY sim ./sim
COPY bin ./bin
# No tests run here (CI runs them; they are compiled, for the test jar the sim module's build names) and no
# start-up cache: that belongs to the runtime image's JVM, built below. The sim module shades target/carpgate.jar.
RUN mvn -B -q package -DskipTests -Dcarpgate.aot.skip=true

FROM eclipse-temurin:25.0.3_9-jre-noble
RUN groupadd --system --gid 10001 carpgate \
 && useradd --system --uid 10001 --gid carpgate --home-dir /opt/carpgate --shell /usr/sbin/nologin carpgate \
 && mkdir -p /opt/carpgate/bin /opt/carpgate/conf /opt/carpgate/certs /opt/carpgate/logs /opt/carpgate/state \
 && chown carpgate:carpgate /opt/carpgate/certs /opt/carpgate/logs /opt/carpgate/state
WORKDIR /opt/carpgate
COPY --from=build /src/target/carpgate.jar /opt/carpgate/carpgate.jar
COPY --from=build /src/bin/carpgate /opt/carpgate/bin/carpgate
# The JVM's AOT cache for this jar and this JRE, trained by carpgate's own aot-training run on loopback (no
# network, no backup). bin/carpgate uses it; should it ever not fit, carpgate starts without it and says so.
RUN /opt/carpgate/bin/carpgate aot-cache
# The admin listener binds all of the container's interfaces, so that the port compose publishes (on the host's
# loopback only) reaches it. Other containers on the same network can reach it too: it is read-only and
# unauthenticated (metrics, status page), carpgate warns about it at start. Unset it to keep it in the container.
ENV CARPGATE_ADMIN_HOST=0.0.0.0
# conf/ is mounted read-only; certs/ (created on first start when empty), logs/ and state/ are writable by uid 10001.
VOLUME ["/opt/carpgate/certs", "/opt/carpgate/logs", "/opt/carpgate/state"]
USER carpgate
# 8443: the sync listener (TLS). 9180: the admin listener (metrics, health, status page; plain HTTP).
EXPOSE 8443 9180
# Healthy when the sync listener accepts connections and the admin listener answers /healthz with 200
# (bash only: the JRE image has no curl). It checks the ports of the example configuration: with other ports, or
# admin: {enabled: false}, override it in docker-compose.yml (its healthcheck: comment shows how).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8443 && exec 4<>/dev/tcp/127.0.0.1/9180 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&4 && head -n 1 <&4 | grep -q ' 200 '"]
# bin/carpgate runs the jar on the image's Java with the AOT cache (and -XX:+ExitOnOutOfMemoryError -Xmx256m -Xms16m;
# CARPGATE_JAVA_OPTS replaces the -Xmx256m -Xms16m). It execs the JVM, so docker stop's SIGTERM reaches carpgate.
ENTRYPOINT ["/opt/carpgate/bin/carpgate"]
CMD ["run", "--config", "/opt/carpgate/conf/carpgate.yml"]
# Reload: docker kill -s HUP carpgate (or edit a file under conf/: carpgate notices within seconds).
