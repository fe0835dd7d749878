package wechat

import (
	"context"
	"net/http"
)

// senderKey marks requests made by the send queue.
type senderKey struct{}

// fromSender returns ctx marked as belonging to the send queue.
func fromSender(ctx context.Context) context.Context {
	return context.WithValue(ctx, senderKey{}, true)
}

// transport keeps openwechat's cookie jar single-writer. openwechat's Jar
// records every host that sets cookies in a plain map, which the polling
// goroutine also reads when it saves the login file; a Set-Cookie on a send
// response, handled on the send queue's goroutine, would write that map
// concurrently (a fatal error in Go). Sends only post text, so the cookies a
// send response might set are dropped here; every other request goes through
// the polling or login goroutine and keeps its cookies.
type transport struct{ base http.RoundTripper }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil && req.Context().Value(senderKey{}) != nil {
		resp.Header.Del("Set-Cookie")
	}
	return resp, err
}
