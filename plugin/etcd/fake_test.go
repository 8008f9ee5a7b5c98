package etcd

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/coredns/coredns/plugin/pkg/upstream"

	"go.etcd.io/etcd/api/v3/mvccpb"
	etcdcv3 "go.etcd.io/etcd/client/v3"
)

// fakeKV is an in-memory KV: keys in byte order, as etcd keeps them.
type fakeKV struct {
	kvs  []*mvccpb.KeyValue
	err  error    // returned by every Get when set
	gets []string // the keys asked for, "prefix:"-marked for prefix gets
}

// put stores value at key with an optional lease.
func (f *fakeKV) put(key, value string, lease int64) {
	f.kvs = append(f.kvs, &mvccpb.KeyValue{Key: []byte(key), Value: []byte(value), Lease: lease})
	slices.SortFunc(f.kvs, func(a, b *mvccpb.KeyValue) int { return bytes.Compare(a.Key, b.Key) })
}

func (f *fakeKV) Get(_ context.Context, key string, opts ...etcdcv3.OpOption) (*etcdcv3.GetResponse, error) {
	op := etcdcv3.OpGet(key, opts...)
	if op.IsOptsWithPrefix() {
		f.gets = append(f.gets, "prefix:"+key)
	} else {
		f.gets = append(f.gets, key)
	}
	if f.err != nil {
		return nil, f.err
	}
	r := &etcdcv3.GetResponse{}
	for _, kv := range f.kvs {
		k := string(kv.Key)
		if k == key || op.IsOptsWithPrefix() && strings.HasPrefix(k, key) {
			r.Kvs = append(r.Kvs, kv)
		}
	}
	r.Count = int64(len(r.Kvs))
	return r, nil
}

var errFake = errors.New("etcd is down")

// newTestEtcd returns a plugin for zones reading kv below /skydns.
func newTestEtcd(kv KV, zones ...string) *Etcd {
	return &Etcd{Zones: zones, PathPrefix: "skydns", Upstream: upstream.New(), Client: kv}
}
