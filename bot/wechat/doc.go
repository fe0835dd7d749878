// Package wechat connects a bot handler to WeChat through openwechat. It is
// the only package that imports openwechat, and it only translates.
package wechat
