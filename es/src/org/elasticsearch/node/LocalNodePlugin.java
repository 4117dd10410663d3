/*
 * What the stock distribution's modules would add and Maven Central does not publish:
 * the root info endpoint (GET /, from the rest-root module) and the "cjk" analyzer (from
 * analysis-common), built on Lucene's own CJKAnalyzer, used for the stock-Elasticsearch baseline.
 */
package org.elasticsearch.node;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

public final class LocalNodePlugin extends Plugin implements ActionPlugin, AnalysisPlugin {

    private final Settings settings;

    public LocalNodePlugin(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Collection<RestHandler> getRestHandlers(Settings s, NamedWriteableRegistry registry, RestController controller,
            ClusterSettings clusterSettings, IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
            IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes, Predicate<NodeFeature> features) {
        return List.of(new RootInfoHandler(settings));
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("cjk", (indexSettings, env, name, analyzerSettings) -> new CjkProvider(name, analyzerSettings));
    }

    static final class CjkProvider extends AbstractIndexAnalyzerProvider<CJKAnalyzer> {
        private final CJKAnalyzer analyzer = new CJKAnalyzer();

        CjkProvider(String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public CJKAnalyzer get() {
            return analyzer;
        }
    }

    /** GET / : name, cluster and version, as the stock node answers. */
    static final class RootInfoHandler extends BaseRestHandler {
        private final Settings settings;

        RootInfoHandler(Settings settings) {
            this.settings = settings;
        }

        @Override
        public String getName() {
            return "local_root_info";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            return channel -> {
                XContentBuilder b = channel.newBuilder();
                Build build = Build.current();
                b.startObject()
                    .field("name", settings.get("node.name"))
                    .field("cluster_name", settings.get("cluster.name"))
                    .startObject("version")
                    .field("number", build.version())
                    .field("build_flavor", "default")
                    .field("build_type", "maven")
                    .field("build_hash", build.hash())
                    .field("lucene_version", org.apache.lucene.util.Version.LATEST.toString())
                    .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                    .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                    .endObject()
                    .field("tagline", "You Know, for Search")
                    .endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, b));
            };
        }
    }
}
