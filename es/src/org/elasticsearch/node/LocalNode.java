/*
 * Starts one Elasticsearch 8 node in this JVM, bound to loopback, for development and CI.
 *
 * It lives in org.elasticsearch.node because the hook that lets a node load plugins from the
 * classpath (NodeServiceProvider) is package-private. Arguments: HOME HTTP_PORT TRANSPORT_PORT, and for a
 * node of a cluster NODE_NAME SEED_HOSTS INITIAL_MASTERS (comma-separated transport addresses and node names).
 */
package org.elasticsearch.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

public final class LocalNode extends Node {

    private LocalNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        super(NodeConstruction.prepareConstruction(environment, null, new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader loader) {
                return new MockPluginsService(env.settings(), env, plugins);
            }
        }, true));
    }

    static Settings nodeSettings(Path home, String httpPort, String transportPort, String name, String seeds,
            String masters) {
        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("path.repo", home.resolve("snapshots").toString())
            .put("cluster.name", "gov-search-local")
            .put("node.name", name)
            // Loopback only: this node has no security layer.
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("http.max_content_length", "200mb")
            // A developer's nearly full disk should not turn the index read-only under them.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", false);
        if (seeds.isEmpty()) {
            return builder.put("discovery.type", "single-node").build();
        }
        // A cluster on one machine: every node is master-eligible and holds data; the first start
        // elects a master among INITIAL_MASTERS (ignored once the cluster has formed).
        return builder.putList("discovery.seed_hosts", List.of(seeds.split(",")))
            .putList("cluster.initial_master_nodes", List.of(masters.split(",")))
            .build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 6) {
            System.err.println("usage: LocalNode HOME HTTP_PORT TRANSPORT_PORT [NODE_NAME SEED_HOSTS INITIAL_MASTERS]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home.resolve("snapshots"));
        String name = args.length == 6 ? args[3] : "local-1";
        Settings settings = args.length == 6
            ? nodeSettings(home, args[1], args[2], name, args[4], args[5])
            : nodeSettings(home, args[1], args[2], name, "", "");
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> name);
        LocalNode node = new LocalNode(environment, List.of(Netty4Plugin.class, LocalNodePlugin.class));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "local-node-shutdown"));
        node.start();
        Thread.currentThread().join();
    }
}
