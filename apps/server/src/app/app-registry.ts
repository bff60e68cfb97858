import type { LoginChannel } from "../channels/login-channel.ts";
import type { PaymentChannel } from "../channels/payment-channel.ts";
import { KassaError } from "../domain/errors.ts";
import {
  EXTERNAL_CHANNELS,
  type ExternalChannelName,
  isExternalChannel,
  type Payment,
} from "../domain/payment.ts";

/**
 * One app as the use cases need it (issue 8 §1): Kassa's id, the channel accounts it is
 * bound to, where the channel notifies it, and its channels. Credentials belong to the app's
 * merchant and stay inside the channel adapters.
 */
/**
 * Who a channel knows an app as: WeChat's appid and the merchant's mchid (§4.3), Alipay's
 * app_id and the collecting seller_id (A.4 checks c, d). A payment must name both.
 */
export interface ChannelAccount {
  appId: string;
  merchantId: string;
}

export interface RegisteredApp {
  id: string;
  accounts: Readonly<Partial<Record<ExternalChannelName, ChannelAccount>>>;
  /** Per app and channel: a path segment, since WeChat forbids a query string (§5.1). */
  notifyUrl(channel: ExternalChannelName): string;
  /** The channels this app's merchant has accounts with: WeChat Pay, Alipay or both (issue 14). */
  channels: Readonly<Partial<Record<ExternalChannelName, PaymentChannel>>>;
  logins: Readonly<Partial<Record<ExternalChannelName, LoginChannel>>>;
}

/**
 * The apps this process serves, and their channels looked up by (app, channel). The default
 * app answers requests that name none: the one configured from the environment, and
 * notifications sent to the notify URL before it carried the app (prepays made by earlier
 * versions).
 */
export class AppRegistry {
  readonly #apps: ReadonlyMap<string, RegisteredApp>;
  readonly default: RegisteredApp;

  constructor(apps: readonly RegisteredApp[], defaultAppId: string) {
    this.#apps = new Map(apps.map((app) => [app.id, app]));
    const fallback = this.#apps.get(defaultAppId);
    if (!fallback) throw new Error(`the default app ${defaultAppId} is not among the configured apps`);
    this.default = fallback;
  }

  /** The app of a stored row; an unknown one is a configuration that lost an app: a bug here. */
  get(appId: string): RegisteredApp {
    const app = this.#apps.get(appId);
    if (!app) throw new Error(`app ${appId} has rows in the database but is not configured`);
    return app;
  }

  /** Every app served, for work done per app (the daily reconciliation). */
  all(): RegisteredApp[] {
    return [...this.#apps.values()];
  }

  find(appId: string): RegisteredApp | undefined {
    return this.#apps.get(appId);
  }

  /**
   * The app a mini program names (at login, on the catalog), or the default app when it names
   * none: one app needs no name, and mini programs built before apps existed name none.
   */
  named(appId: string | undefined): RegisteredApp {
    if (appId === undefined) return this.default;
    const app = this.#apps.get(appId);
    if (!app) throw new KassaError("APP_NOT_FOUND", { app: appId });
    return app;
  }

  /** Channels are looked up by (app, channel): each app's merchant has its own accounts. */
  paymentChannel(appId: string, channel: ExternalChannelName): PaymentChannel {
    const found = this.get(appId).channels[channel];
    if (!found) throw new Error(`app ${appId} has ${channel} payments but no ${channel} account configured`);
    return found;
  }

  /**
   * The channel that collects this payment. A wallet payment has none: it is PAID when it is
   * made and calls no one, so reaching here with one is a bug.
   */
  channelOf(payment: Pick<Payment, "id" | "appId" | "channel">): PaymentChannel {
    if (!isExternalChannel(payment.channel))
      throw new Error(`payment ${payment.id} is paid from the wallet: it has no channel to call`);
    return this.paymentChannel(payment.appId, payment.channel);
  }

  /**
   * The channel a request that names none means for this app: WeChat Pay when the app has
   * it (every app had it before Alipay), else the app's only channel.
   */
  defaultChannel(appId: string): ExternalChannelName {
    return defaultChannelOf(this.get(appId));
  }

  /** A channel a request names for this app, refused by name when the app has no account there. */
  requireChannel(appId: string, channel: ExternalChannelName): ExternalChannelName {
    if (!this.get(appId).channels[channel])
      throw new KassaError("APP_CHANNEL_NOT_CONFIGURED", { app: appId, channel });
    return channel;
  }

  /** The account a payment of this app through this channel is made under. */
  account(appId: string, channel: ExternalChannelName): ChannelAccount {
    const found = this.get(appId).accounts[channel];
    if (!found) throw new Error(`app ${appId} has ${channel} payments but no ${channel} account configured`);
    return found;
  }

  loginChannel(appId: string, channel: ExternalChannelName): LoginChannel {
    const found = this.get(appId).logins[channel];
    if (!found) throw new Error(`app ${appId} has no ${channel} login configured`);
    return found;
  }
}

/** WeChat Pay when the app has it, else its only channel (configuration refuses an app with none). */
export function defaultChannelOf(app: Pick<RegisteredApp, "channels">): ExternalChannelName {
  if (app.channels.wechatpay) return "wechatpay";
  return EXTERNAL_CHANNELS.find((channel) => app.channels[channel]) ?? "wechatpay";
}
