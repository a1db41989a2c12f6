import { DeliveryError } from "../../src/notify/port.js";

/** Delivery is impossible as addressed; the message says what a person can do about it. */
export class SlackDeliveryError extends DeliveryError {
  override readonly name: string = "SlackDeliveryError";
}
