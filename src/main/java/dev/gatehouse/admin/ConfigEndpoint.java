package dev.gatehouse.admin;

import dev.gatehouse.config.ReloadResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * <ul>
 *   <li>{@code GET /config}: the running config, secrets redacted</li>
 *   <li>{@code POST /reload}: reads the config file again; 200 with what changed, or 422 with every error (the
 *       running config keeps serving)</li>
 * </ul>
 */
final class ConfigEndpoint {
    private final RunningInstance instance;

    ConfigEndpoint(RunningInstance instance) {
        this.instance = instance;
    }

    Reply config(String method, String path) {
        AdminRouter.allow(method, path, "GET");
        return Reply.json(200, ConfigJson.of(instance.config()));
    }

    Reply reload(String method, String path) {
        AdminRouter.allow(method, path, "POST");
        ReloadResult result = instance.reload();
        if (!result.applied()) {
            int n = result.errors().size();
            throw Problem.unprocessable("the config file has " + n + (n == 1 ? " error" : " errors")
                    + "; the running config keeps serving", result.errors()).failure();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("applied", true);
        out.put("changes", List.copyOf(result.changes()));
        return Reply.json(200, out);
    }
}
