package dev.outrigger.local.cli;

import dev.outrigger.core.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@Command(name = "queues", mixinStandardHelpOptions = true,
        description = {"Depth, in-flight, delayed and oldest message age of every queue and DLQ.",
                "Oldest age is not a queue attribute (in AWS it is the CloudWatch metric ApproximateAgeOfOldestMessage): it is",
                "computed from the SentTimestamp of a peek (receive with visibility 0) on queues without a RedrivePolicy",
                "(DLQs), where a receive cannot count towards maxReceiveCount; other queues show n/a."})
final class QueuesCommand implements Callable<Integer> {
    @Option(names = "--prefix", description = "only queues whose name starts with this")
    String prefix;

    @Mixin
    SqsTarget target;

    @Override
    public Integer call() {
        try (SqsClient sqs = target.client()) {
            List<String> urls = new ArrayList<>();
            String token = null;
            do {
                String t = token;
                var r = sqs.listQueues(b -> b.queueNamePrefix(prefix).nextToken(t).maxResults(1000));
                urls.addAll(r.queueUrls());
                token = r.nextToken();
            } while (token != null);
            if (urls.isEmpty()) {
                System.out.println("no queues at " + target.where());
                return OutriggerCli.OK;
            }
            Set<String> dlqNames = new HashSet<>();
            List<Map<QueueAttributeName, String>> all = new ArrayList<>();
            for (String url : urls) {
                Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
                all.add(a);
                String rp = a.get(QueueAttributeName.REDRIVE_POLICY);
                if (rp != null) {
                    String arn = Json.MAPPER.readTree(rp).path("deadLetterTargetArn").asText();
                    dlqNames.add(arn.substring(arn.lastIndexOf(':') + 1));
                }
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"QUEUE", "KIND", "VISIBLE", "IN FLIGHT", "DELAYED", "OLDEST"});
            for (int i = 0; i < urls.size(); i++) {
                String url = urls.get(i);
                Map<QueueAttributeName, String> a = all.get(i);
                String name = url.substring(url.lastIndexOf('/') + 1);
                String kind = dlqNames.contains(name) ? "DLQ" : "queue";
                String oldest = a.containsKey(QueueAttributeName.REDRIVE_POLICY) ? "n/a" : oldest(sqs, url, a);
                rows.add(new String[] {name, kind, a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "?"),
                        a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "?"),
                        a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "?"), oldest});
            }
            System.out.println("Queues at " + target.where() + ":");
            Banner.table(rows, System.out);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IllegalStateException("cannot reach SQS at " + target.where() + ": " + e.getMessage()
                    + (target.isAws() ? "" : " (is `./outrigger local up` running?)"), e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return OutriggerCli.OK;
    }

    private static String oldest(SqsClient sqs, String url, Map<QueueAttributeName, String> a) {
        if ("0".equals(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))) {
            return "-";
        }
        List<Message> peek = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        long min = peek.stream().mapToLong(m -> Long.parseLong(m.attributes().getOrDefault(MessageSystemAttributeName.SENT_TIMESTAMP, "0")))
                .filter(t -> t > 0).min().orElse(0);
        if (min == 0) {
            return "-";
        }
        Duration age = Duration.ofMillis(System.currentTimeMillis() - min);
        return age.toSeconds() < 120 ? age.toSeconds() + " s" : age.toMinutes() < 120 ? age.toMinutes() + " min" : age.toHours() + " h";
    }
}
