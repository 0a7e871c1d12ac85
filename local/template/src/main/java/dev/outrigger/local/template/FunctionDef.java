package dev.outrigger.local.template;

import java.util.List;
import java.util.Map;

/**
 * An AWS::Serverless::Function or AWS::Lambda::Function after Globals are merged and intrinsics resolved.
 *
 * @param handlerClass  e.g. dev.outrigger.worker.SqsJobWorkerHandler
 * @param handlerMethod e.g. handleRequest (the default when the Handler names only a class)
 * @param environment   Globals + function variables, with Refs resolved to local URLs/ARNs
 */
public record FunctionDef(String logicalId, String name, String arn, String handlerClass, String handlerMethod, String runtime,
                          int timeoutSeconds, int memorySizeMb, Map<String, String> environment,
                          List<SqsEventSource> sqsEventSources, int line) {

    public String handler() {
        return handlerClass + "::" + handlerMethod;
    }
}
