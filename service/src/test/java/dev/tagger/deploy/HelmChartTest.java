package dev.tagger.deploy;

import dev.tagger.TestData;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart under helm/tagger, linted and rendered by the real Helm library (helm-java, no helm binary):
 * the rendered manifests are parsed as YAML and checked field by field.
 */
class HelmChartTest {

    private static final Path CHART = TestData.repository().resolve("helm/tagger");
    private static final String RELEASE = "tagger";
    private static final String ADMIN_KEY = "admin-key-0123456789";

    // --- lint ------------------------------------------------------------------------------------------------

    /**
     * helm lint takes its values from the chart's values.yaml only, so it runs on a copy with an admin key. (Lint
     * mode does not stop at {@code fail}, so the "no admin key" guard is checked by rendering, below.)
     */
    @Test
    void lintPassesWithAnAdminKey(@TempDir Path tmp) throws IOException {
        Path chart = copyChart(tmp);
        Path values = chart.resolve("values.yaml");
        String text = Files.readString(values);
        String withKey = text.replace("  admin: []\n", "  admin:\n    - " + ADMIN_KEY + "\n");
        assertThat(withKey).as("values.yaml has the admin key list").isNotEqualTo(text);
        Files.writeString(values, withKey);

        LintResult result = new Helm(chart).lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    // --- rendering -------------------------------------------------------------------------------------------

    @Test
    void renderingFailsWithoutAnAdminKeyUnlessOpenIsAllowed() {
        assertThatThrownBy(() -> render(Map.of()))
                .hasMessageContaining("no admin API key")
                .hasMessageContaining("security.allowOpen");
        assertThatThrownBy(() -> render(Map.of("apiKeys.classify[0]", "only-a-classify-key")))
                .hasMessageContaining("no admin API key");

        Manifests open = render(Map.of("security.allowOpen", true));
        assertThat(open.kinds()).doesNotContain("Secret");
        assertThat(open.configData()).containsEntry("TAGGER_SECURITY_ALLOWOPEN", "true");
        // Else protected mode would bind loopback, out of reach of the probes and the Service.
        assertThat(open.configData()).containsEntry("TAGGER_SECURITY_ALLOWOPENNETWORK", "true");
        assertThat(envNames(open.container())).doesNotContain("TAGGER_SECURITY_ADMIN_KEYS");
    }

    @Test
    void defaultsRenderAHardenedCpuDeployment() {
        Manifests m = render(Map.of("apiKeys.admin[0]", ADMIN_KEY));

        assertThat(m.kinds()).containsExactlyInAnyOrder("ServiceAccount", "Secret", "ConfigMap",
                "PersistentVolumeClaim", "Service", "Deployment", "PodDisruptionBudget");

        // With keys required, the service itself also refuses to start open (e.g. an empty existing Secret).
        assertThat(m.configData()).containsEntry("TAGGER_SECURITY_ALLOWOPEN", "false");

        Map<String, Object> deployment = m.one("Deployment");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(1);
        Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
        Map<String, Object> c = m.container();
        assertThat(c.get("image")).isEqualTo("tagger:0.1.0-cpu");
        assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);

        // ports: the API on 8080 ("http"), the actuator on 8081 ("management")
        assertThat(portsByName(c)).containsExactly(Map.entry("http", 8080), Map.entry("management", 8081));

        // probes on the management port
        assertThat(at(c, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(c, "startupProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((Integer) at(c, "startupProbe", "periodSeconds") * (Integer) at(c, "startupProbe", "failureThreshold"))
                .as("startup budget in seconds").isGreaterThanOrEqualTo(120);
        assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(c, "livenessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat(at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat(at(c, "readinessProbe", "httpGet", "port")).isEqualTo("management");

        // settings from the ConfigMap, keys from the Secret
        assertThat(at(list(c.get("envFrom")).get(0), "configMapRef", "name")).isEqualTo("tagger");
        Map<String, Object> adminEnv = env(c, "TAGGER_SECURITY_ADMIN_KEYS");
        assertThat(at(adminEnv, "valueFrom", "secretKeyRef", "name")).isEqualTo("tagger");
        assertThat(at(adminEnv, "valueFrom", "secretKeyRef", "key")).isEqualTo("TAGGER_SECURITY_ADMIN_KEYS");
        assertThat(m.configData())
                .containsEntry("SERVER_PORT", "8080")
                .containsEntry("MANAGEMENT_SERVER_PORT", "8081")
                .containsEntry("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true")
                .containsEntry("TAGGER_DEVICE", "auto")
                .containsEntry("TAGGER_STORE_DIR", "/var/lib/tagger")
                .containsEntry("TAGGER_HEAP_PERCENT", "50");
        assertThat(String.valueOf(m.configData().get("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE")))
                .contains("health").contains("prometheus");
        assertThat(decode(m.one("Secret"), "TAGGER_SECURITY_ADMIN_KEYS")).isEqualTo(ADMIN_KEY);

        // volumes: the store on its PVC, /tmp on an emptyDir (the root file system is read-only)
        Map<String, Object> volumes = byName(pod.get("volumes"));
        assertThat(at(volumes.get("store"), "persistentVolumeClaim", "claimName")).isEqualTo("tagger-store");
        assertThat(map(volumes.get("tmp"))).containsKey("emptyDir");
        assertThat(mountPaths(c)).containsEntry("store", "/var/lib/tagger").containsEntry("tmp", "/tmp");
        assertThat(at(m.one("PersistentVolumeClaim"), "metadata", "name")).isEqualTo("tagger-store");

        // security context
        assertThat(map(c.get("securityContext")))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(at(c, "securityContext", "capabilities", "drop"))).containsExactly("ALL");
        assertThat(at(c, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
        assertThat(map(pod.get("securityContext")))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001)
                .containsEntry("fsGroup", 10001);
        assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");

        // CPU only: no GPU resource, no GPU toleration
        assertThat(map(at(c, "resources", "limits"))).doesNotContainKey("nvidia.com/gpu");
        assertThat(pod).doesNotContainKey("tolerations");

        // Service: both ports, by name
        Map<String, Object> servicePorts = byName(at(m.one("Service"), "spec", "ports"));
        assertThat(at(servicePorts.get("http"), "targetPort")).isEqualTo("http");
        assertThat(at(servicePorts.get("management"), "targetPort")).isEqualTo("management");

        assertThat(at(m.one("PodDisruptionBudget"), "spec", "maxUnavailable")).isEqualTo(1);
    }

    @Test
    void gpuValuesRequestAGpuAndTheCudaImage() {
        Manifests m = render(Map.of(
                "apiKeys.admin[0]", ADMIN_KEY,
                "gpu.enabled", true,
                "gpu.nodeSelector.nvidia\\.com/gpu\\.present", "true"));

        Map<String, Object> c = m.container();
        Map<String, Object> pod = map(at(m.one("Deployment"), "spec", "template", "spec"));
        assertThat(map(at(c, "resources", "limits")))
                .containsEntry("nvidia.com/gpu", 1)
                .containsEntry("memory", "4Gi");
        assertThat(c.get("image")).isEqualTo("tagger:0.1.0-cuda");
        assertThat(m.configData()).containsEntry("TAGGER_DEVICE", "gpu");
        assertThat(map(pod.get("nodeSelector"))).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(list(pod.get("tolerations")))
                .anySatisfy(t -> assertThat(map(t)).containsEntry("key", "nvidia.com/gpu"));

        // an explicit device choice is kept
        Manifests pinned = render(Map.of("apiKeys.admin[0]", ADMIN_KEY, "gpu.enabled", true, "gpu.count", 2,
                "config.device", "gpu:1"));
        assertThat(pinned.configData()).containsEntry("TAGGER_DEVICE", "gpu:1");
        assertThat(map(at(pinned.container(), "resources", "limits"))).containsEntry("nvidia.com/gpu", 2);
    }

    @Test
    void serviceMonitorOnlyWhenEnabled() {
        assertThat(render(Map.of("apiKeys.admin[0]", ADMIN_KEY)).kinds()).doesNotContain("ServiceMonitor");

        Manifests m = render(Map.of("apiKeys.admin[0]", ADMIN_KEY,
                "monitoring.serviceMonitor.enabled", true,
                "monitoring.serviceMonitor.labels.release", "kube-prometheus-stack"));

        Map<String, Object> sm = m.one("ServiceMonitor");
        assertThat(sm.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(map(at(sm, "metadata", "labels"))).containsEntry("release", "kube-prometheus-stack");
        Map<String, Object> endpoint = map(list(at(sm, "spec", "endpoints")).get(0));
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        // it selects the Service, which exposes the management port by that name
        Map<String, Object> serviceLabels = map(at(m.one("Service"), "metadata", "labels"));
        assertThat(serviceLabels).containsAllEntriesOf(map(at(sm, "spec", "selector", "matchLabels")));
        assertThat(byName(at(m.one("Service"), "spec", "ports"))).containsKey("management");
    }

    @Test
    void autoscalingOnCpuAndQueueDepth() {
        Manifests m = render(Map.of("apiKeys.admin[0]", ADMIN_KEY,
                "autoscaling.enabled", true,
                "autoscaling.queueDepth.enabled", true));

        assertThat(map(at(m.one("Deployment"), "spec"))).doesNotContainKey("replicas");
        Map<String, Object> hpa = m.one("HorizontalPodAutoscaler");
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        List<Object> metrics = list(at(hpa, "spec", "metrics"));
        assertThat(metrics).hasSize(2);
        assertThat(at(metrics.get(0), "resource", "name")).isEqualTo("cpu");
        assertThat(at(metrics.get(0), "resource", "target", "averageUtilization")).isEqualTo(70);
        assertThat(at(metrics.get(1), "type")).isEqualTo("Pods");
        assertThat(at(metrics.get(1), "pods", "metric", "name")).isEqualTo("tagger_queue_depth");
        assertThat(at(metrics.get(1), "pods", "target", "type")).isEqualTo("AverageValue");
    }

    @Test
    void existingClaimAndExistingSecretAreUsedAsIs() {
        Manifests m = render(Map.of("persistence.existingClaim", "shared-models",
                "apiKeys.existingSecret", "tagger-keys"));

        assertThat(m.kinds()).doesNotContain("PersistentVolumeClaim", "Secret");
        Map<String, Object> pod = map(at(m.one("Deployment"), "spec", "template", "spec"));
        assertThat(at(byName(pod.get("volumes")).get("store"), "persistentVolumeClaim", "claimName"))
                .isEqualTo("shared-models");
        Map<String, Object> c = m.container();
        assertThat(at(env(c, "TAGGER_SECURITY_ADMIN_KEYS"), "valueFrom", "secretKeyRef", "name")).isEqualTo("tagger-keys");
        assertThat(at(env(c, "TAGGER_SECURITY_ADMIN_KEYS"), "valueFrom", "secretKeyRef", "optional")).isEqualTo(false);
        assertThat(at(env(c, "TAGGER_SECURITY_CLASSIFY_KEYS"), "valueFrom", "secretKeyRef", "optional")).isEqualTo(true);
    }

    @Test
    void settingsBecomeEnvironmentVariables(@TempDir Path tmp) throws IOException {
        // from a values file, as users write them: YAML numbers arrive as floats in Helm
        Path values = tmp.resolve("values.yaml");
        Files.writeString(values, """
                apiKeys:
                  admin: [first-admin-key, second-admin-key]
                  classify: [classify-key]
                config:
                  workers: 2
                  threads:
                    intraOp: 4
                  api:
                    maxBodyBytes: 2097152
                  batching:
                    max-batch-tokens: 16384
                    maxWait: 5ms
                  properties:
                    logging.level.dev.tagger: DEBUG
                javaOpts: -XX:+UseZGC
                """, StandardCharsets.UTF_8);

        Manifests m = render(new TemplateCommandSetup(values, Map.of()));

        assertThat(m.configData())
                .containsEntry("TAGGER_WORKERS", "2")
                .containsEntry("TAGGER_THREADS_INTRAOP", "4")
                .containsEntry("TAGGER_API_MAXBODYBYTES", "2097152")
                .containsEntry("TAGGER_BATCHING_MAXBATCHTOKENS", "16384")
                .containsEntry("TAGGER_BATCHING_MAXWAIT", "5ms")
                .containsEntry("LOGGING_LEVEL_DEV_TAGGER", "DEBUG")
                .containsEntry("JAVA_OPTS", "-XX:+UseZGC")
                .doesNotContainKeys("TAGGER_THREADS_INTEROP", "TAGGER_API_MAXTEXTS", "TAGGER_MODEL_DIR");
        Map<String, Object> secret = m.one("Secret");
        assertThat(decode(secret, "TAGGER_SECURITY_ADMIN_KEYS")).isEqualTo("first-admin-key,second-admin-key");
        assertThat(decode(secret, "TAGGER_SECURITY_CLASSIFY_KEYS")).isEqualTo("classify-key");
        assertThat(envNames(m.container())).contains("TAGGER_SECURITY_ADMIN_KEYS", "TAGGER_SECURITY_CLASSIFY_KEYS");
    }

    @Test
    void oneSharedPortWhenManagementPortEqualsTheApiPort() {
        Manifests m = render(Map.of("apiKeys.admin[0]", ADMIN_KEY, "managementPort", 8080));

        Map<String, Object> c = m.container();
        assertThat(portsByName(c)).containsExactly(Map.entry("http", 8080));
        assertThat(at(c, "readinessProbe", "httpGet", "port")).isEqualTo("http");
        assertThat(m.configData()).doesNotContainKey("MANAGEMENT_SERVER_PORT");
        assertThat(byName(at(m.one("Service"), "spec", "ports"))).containsOnlyKeys("http");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Values for one rendering: an optional values file plus --set pairs. */
    private record TemplateCommandSetup(Path valuesFile, Map<String, Object> sets) {
    }

    /** The rendered documents of one release. */
    private record Manifests(List<Map<String, Object>> docs) {

        List<String> kinds() {
            return docs.stream().map(d -> String.valueOf(d.get("kind"))).toList();
        }

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
            assertThat(found).as("documents of kind %s", kind).hasSize(1);
            return found.get(0);
        }

        Map<String, Object> container() {
            List<Object> containers = list(at(one("Deployment"), "spec", "template", "spec", "containers"));
            assertThat(containers).hasSize(1);
            return map(containers.get(0));
        }

        Map<String, Object> configData() {
            return map(one("ConfigMap").get("data"));
        }
    }

    @Test
    void theSharedShapeRendersApiAndTrainerDeploymentsWithoutAVolumeAndTheHpaOnTheApiOnly() {
        assertThatThrownBy(() -> render(Map.of("apiKeys.admin[0]", ADMIN_KEY, "shared.enabled", true)))
                .hasMessageContaining("shared.postgres.jdbcUrl");
        assertThatThrownBy(() -> render(Map.of("apiKeys.admin[0]", ADMIN_KEY, "shared.enabled", true,
                "shared.postgres.jdbcUrl", "jdbc:postgresql://db:5432/tagger")))
                .hasMessageContaining("shared.postgres.existingSecret");

        Manifests m = render(Map.of("apiKeys.admin[0]", ADMIN_KEY, "shared.enabled", true,
                "shared.postgres.jdbcUrl", "jdbc:postgresql://db:5432/tagger", "shared.postgres.existingSecret", "db",
                "shared.s3.endpoint", "http://minio:9000", "shared.s3.existingSecret", "s3",
                "autoscaling.enabled", true, "autoscaling.targetCPUUtilizationPercentage", 70));

        assertThat(m.kinds()).doesNotContain("PersistentVolumeClaim");
        List<Map<String, Object>> deployments = m.docs().stream().filter(d -> "Deployment".equals(d.get("kind")))
                .toList();
        assertThat(deployments).hasSize(2);
        Map<String, Object> api = deployments.stream().filter(d -> "tagger".equals(at(d, "metadata", "name")))
                .findFirst().orElseThrow();
        Map<String, Object> trainer = deployments.stream()
                .filter(d -> "tagger-trainer".equals(at(d, "metadata", "name"))).findFirst().orElseThrow();
        Map<String, Object> apiPod = map(list(at(api, "spec", "template", "spec", "containers")).get(0));
        Map<String, Object> trainerPod = map(list(at(trainer, "spec", "template", "spec", "containers")).get(0));
        assertThat(env(apiPod, "TAGGER_ROLES").get("value")).isEqualTo("api");
        assertThat(env(trainerPod, "TAGGER_ROLES").get("value")).isEqualTo("trainer");
        for (Map<String, Object> c : List.of(apiPod, trainerPod)) {
            assertThat(at(env(c, "TAGGER_SHARED_PASSWORD"), "valueFrom", "secretKeyRef", "name")).isEqualTo("db");
            assertThat(at(env(c, "TAGGER_SHARED_S3_SECRETKEY"), "valueFrom", "secretKeyRef", "name")).isEqualTo("s3");
        }
        assertThat(m.configData()).containsEntry("TAGGER_STORE_MODE", "shared")
                .containsEntry("TAGGER_SHARED_JDBCURL", "jdbc:postgresql://db:5432/tagger")
                .containsEntry("TAGGER_SHARED_S3_ENDPOINT", "http://minio:9000");
        // No volume to share: each pod's store is an emptyDir cache.
        for (Map<String, Object> d : List.of(api, trainer)) {
            Map<String, Object> volume = map(byName(at(d, "spec", "template", "spec", "volumes")).get("store"));
            assertThat(volume).containsKey("emptyDir").doesNotContainKey("persistentVolumeClaim");
        }
        // The trainer runs on GPU nodes; the API's Service, HPA and PDB never select it.
        assertThat(map(at(trainerPod, "resources", "limits"))).containsEntry("nvidia.com/gpu", 1);
        assertThat(list(at(trainer, "spec", "template", "spec", "tolerations"))).isNotEmpty();
        assertThat(String.valueOf(trainerPod.get("image"))).endsWith("-cuda");
        assertThat(map(at(trainer, "spec", "selector", "matchLabels")))
                .containsEntry("app.kubernetes.io/component", "trainer");
        assertThat(map(at(m.one("Service"), "spec", "selector"))).containsEntry("app.kubernetes.io/component", "api");
        assertThat(map(at(api, "spec", "selector", "matchLabels"))).containsEntry("app.kubernetes.io/component", "api");
        assertThat(at(m.one("HorizontalPodAutoscaler"), "spec", "scaleTargetRef", "name")).isEqualTo("tagger");
    }

    @Test
    void theLocalShapeHasNoTrainerDeploymentAndKeepsItsSelector() {
        Manifests m = render(Map.of("apiKeys.admin[0]", ADMIN_KEY));
        assertThat(m.kinds().stream().filter("Deployment"::equals)).hasSize(1);
        assertThat(map(at(m.one("Deployment"), "spec", "selector", "matchLabels")))
                .doesNotContainKey("app.kubernetes.io/component");
        assertThat(m.configData()).doesNotContainKey("TAGGER_STORE_MODE");
    }

    private static Manifests render(Map<String, Object> sets) {
        return render(new TemplateCommandSetup(null, sets));
    }

    private static Manifests render(TemplateCommandSetup setup) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("ml");
        if (setup.valuesFile() != null) {
            template = template.withValuesFile(setup.valuesFile());
        }
        for (Map.Entry<String, Object> e : setup.sets().entrySet()) {
            template = template.set(e.getKey(), e.getValue());
        }
        String yaml = template.call();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc != null) {
                docs.add(map(doc));
            }
        }
        return new Manifests(docs);
    }

    private static Path copyChart(Path target) throws IOException {
        Path copy = target.resolve("tagger");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    /** Walks nested maps by key; fails with the path when a step is missing. */
    private static Object at(Object node, String... path) {
        Object current = node;
        for (int i = 0; i < path.length; i++) {
            Map<String, Object> m = map(current);
            assertThat(m).as("key %s at %s", path[i], String.join(".", List.of(path).subList(0, i)))
                    .containsKey(path[i]);
            current = m.get(path[i]);
        }
        return current;
    }

    /** A list of maps with a "name" key, as a map by name (volumes, ports, env). */
    private static Map<String, Object> byName(Object items) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Object item : list(items)) {
            out.put(String.valueOf(map(item).get("name")), item);
        }
        return out;
    }

    private static Map<String, Integer> portsByName(Map<String, Object> container) {
        Map<String, Integer> out = new LinkedHashMap<>();
        byName(container.get("ports")).forEach((name, port) -> out.put(name, (Integer) map(port).get("containerPort")));
        return out;
    }

    private static Map<String, String> mountPaths(Map<String, Object> container) {
        Map<String, String> out = new LinkedHashMap<>();
        byName(container.get("volumeMounts")).forEach((name, m) -> out.put(name, String.valueOf(map(m).get("mountPath"))));
        return out;
    }

    private static List<String> envNames(Map<String, Object> container) {
        Object env = container.get("env");
        return env == null ? List.of() : List.copyOf(byName(env).keySet());
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        Map<String, Object> env = byName(container.get("env"));
        assertThat(env).containsKey(name);
        return map(env.get(name));
    }

    private static String decode(Map<String, Object> secret, String key) {
        Object value = at(secret, "data", key);
        return new String(Base64.getDecoder().decode(String.valueOf(value)), StandardCharsets.UTF_8);
    }
}
