# NimbusVerse as a Camel Main container. Two stages: Maven builds the application and gathers its dependencies;
# a JRE image runs them. The dependency layer (lib/) changes only with pom.xml, so a code change rebuilds the small
# application jar and a route edit rebuilds nothing (routes/ is mounted, and reloaded when edited).
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q -Pimage dependency:go-offline
COPY src ./src
# profile image: the embedded stack's servers (Kafka broker, S3Proxy, GreenMail) and H2 stay out of lib/ (201 MB -> 149 MB)
RUN mvn -B -q -Pimage -Dmaven.test.skip=true package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib

FROM eclipse-temurin:17.0.15_6-jre
# a fixed uid and gid, so that Kubernetes can check runAsNonRoot (deploy/kubernetes)
RUN groupadd --system --gid 10001 nimbus && useradd --system --uid 10001 --gid nimbus --home-dir /app --no-create-home nimbus
WORKDIR /app
COPY --from=build /build/target/lib/ lib/
COPY --from=build /build/target/nimbusverse.jar nimbusverse.jar
COPY routes/ routes/
COPY samples/ samples/
RUN mkdir -p /data /inbox && chown -R nimbus:nimbus /app /data /inbox
USER nimbus
VOLUME ["/data", "/inbox"]
EXPOSE 8080
# the docker profile (application-docker.properties) reads every endpoint and credential from the environment;
# the heap follows the container's memory limit
ENV CAMEL_MAIN_PROFILE=docker \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=4 \
  CMD curl -fsS http://127.0.0.1:8080/observe/health || exit 1
ENTRYPOINT ["java", "-cp", "nimbusverse.jar:lib/*", "io.nimbusverse.NimbusMain"]
