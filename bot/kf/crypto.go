package kf

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// errSignature reports a callback whose msg_signature does not match.
var errSignature = errors.New("kf: bad msg_signature")

// msgCrypt is the WXBizMsgCrypt scheme of one WeCom callback configuration.
type msgCrypt struct {
	token  string
	aesKey string // the 43-character EncodingAESKey
	corpID string // the receive id every message must carry
}

func newMsgCrypt(token, encodingAESKey, corpID string) (*msgCrypt, error) {
	if token == "" || corpID == "" {
		return nil, errors.New("kf: Token and CorpID are required")
	}
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("kf: EncodingAESKey has %d characters, want 43", len(encodingAESKey))
	}
	if k, err := base64.StdEncoding.DecodeString(encodingAESKey + "="); err != nil || len(k) != 32 {
		return nil, errors.New("kf: EncodingAESKey is not the base64 of a 32-byte key")
	}
	return &msgCrypt{token: token, aesKey: encodingAESKey, corpID: corpID}, nil
}

// sign returns the msg_signature of an encrypted text.
func (c *msgCrypt) sign(timestamp, nonce, encrypted string) string {
	return util.Signature(c.token, timestamp, nonce, encrypted)
}

// open checks the signature of encrypted and decrypts it. The plaintext
// must name our corp id as its receive id.
func (c *msgCrypt) open(signature, timestamp, nonce, encrypted string) ([]byte, error) {
	want := c.sign(timestamp, nonce, encrypted)
	if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) != 1 {
		return nil, errSignature
	}
	_, plain, err := util.DecryptMsg(c.corpID, encrypted, c.aesKey)
	if err != nil {
		return nil, fmt.Errorf("kf: decrypt: %w", err)
	}
	return plain, nil
}
