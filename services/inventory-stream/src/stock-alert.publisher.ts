// Publishes `stock-alerts` messages (api.md) to SNS, one Publish per alert. PublishBatch would save
// requests, but alerts are rare (one per threshold crossing) and the local SNS stand-in does not
// implement it.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { StockAlert } from '@shop/domain';

export interface StockAlertPublisher {
  /** Resolves once SNS accepted the alert; rejects otherwise. */
  publish(alert: StockAlert): Promise<void>;
}

export const createStockAlertPublisher = (sns: SNSClient, topicArn: string): StockAlertPublisher => ({
  publish: async (alert) => {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify(alert),
        // Subscribers filter on it (the notifier's admin and customer queues).
        MessageAttributes: { alertType: { DataType: 'String', StringValue: alert.type } },
      }),
    );
  },
});
