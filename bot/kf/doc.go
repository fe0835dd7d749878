// Package kf connects a bot handler to 微信客服 (WeChat Customer Service,
// the 企业微信 kf API): any WeChat user can open a 1:1 conversation with the
// bot from a link or a QR code, with no friend request and no account that
// can be banned.
//
// How it works: WeCom POSTs an encrypted "kf_msg_or_event" callback to the
// HTTP server this package runs; the callback is answered at once and only
// wakes the worker, which pulls the messages with kf/sync_msg (paging with
// next_cursor, the cursor kept in a state file so that a restart neither
// loses nor replays messages) and answers each with kf/send_msg, within the
// quota of 5 messages per user message and 48 hours.
//
// Layer: a transport under bot. It imports bot and the WeCom message crypto,
// never index or bleve, and only translates between the protocol and
// [bot.Message] / [bot.Replier].
//
// Library choice. github.com/silenceper/wechat/v2 (v2.1.10) has both the
// WXBizMsgCrypt primitives (util.EncryptMsg, util.DecryptMsg,
// util.Signature) and a work/kf client. We use the crypto: it is the
// widely used implementation of Tencent's scheme (AES-256-CBC with the
// receive id check), and our tests check it against Tencent's published
// sample vectors. We do not use its kf client, for four reasons: every
// endpoint is a hard-coded https://qyapi.weixin.qq.com URL, so the API base
// URL setting (private deployments, the test fakes) would need a
// process-wide replacement of its package-level util.DefaultHTTPClient,
// which every other user of the library shares; its calls take no
// context, so shutdown cannot cancel them; its access-token cache does not
// retry a call when WeCom answers 42001 (expired) or 40014 (invalid); and
// the five JSON endpoints we need are a few lines each with net/http.
package kf
