package dev.outrigger.bench.hello;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.List;
import java.util.Map;

/** The floor: a hello-world handler. It takes the same SQS event JSON as a plain map, as such examples do. */
public class HelloHandler implements RequestHandler<Map<String, Object>, String> {
    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        Object records = event == null ? null : event.get("Records");
        int count = records instanceof List<?> list ? list.size() : 0;
        return "hello, " + count + " records";
    }
}
