// Package dnsutil contains small DNS helpers shared by plugins: name joining
// and trimming, reverse name handling and TTL selection.
package dnsutil
