# carpgate container: build the jar with Maven, run it on a JRE 17 as an unprivileged user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 carpgate \
 && useradd --system --uid 10001 --gid carpgate --home-dir /opt/carpgate --shell /usr/sbin/nologin carpgate \
 && mkdir -p /opt/carpgate/conf /opt/carpgate/certs /opt/carpgate/logs \
 && chown carpgate:carpgate /opt/carpgate/certs /opt/carpgate/logs
WORKDIR /opt/carpgate
COPY --from=build /src/target/carpgate.jar /opt/carpgate/carpgate.jar
# conf/ is mounted read-only; certs/ (created on first start when empty) and logs/ are writable.
VOLUME ["/opt/carpgate/certs", "/opt/carpgate/logs"]
USER carpgate
# 8443: the sync listener (TLS). 9180: the admin listener (metrics, health, status page; plain HTTP).
EXPOSE 8443 9180
# Healthy when the sync listener accepts connections and the admin listener answers /healthz with 200
# (bash only: the JRE image has no curl).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8443 && exec 4<>/dev/tcp/127.0.0.1/9180 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&4 && head -n 1 <&4 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-jar", "/opt/carpgate/carpgate.jar"]
CMD ["run", "--config", "/opt/carpgate/conf/carpgate.yml"]
# Reload: docker kill -s HUP carpgate (or edit a file under conf/: carpgate notices within seconds).
