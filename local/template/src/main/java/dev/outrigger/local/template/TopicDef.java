package dev.outrigger.local.template;

import java.util.List;

/** An AWS::SNS::Topic with its inline Subscription entries and any AWS::SNS::Subscription resources pointing at it. */
public record TopicDef(String logicalId, String name, String arn, boolean fifo, List<Subscription> subscriptions, int line) {

    public record Subscription(String protocol, String endpoint, boolean rawMessageDelivery) {
    }
}
