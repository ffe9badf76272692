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
EXPOSE 8443
# Alive when the TLS listener accepts connections.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8443"]
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-jar", "/opt/carpgate/carpgate.jar"]
CMD ["run", "--config", "/opt/carpgate/conf/carpgate.yml"]
