package kubernetes

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin/kubernetes/object"

	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// controlOpts say what the controller watches.
type controlOpts struct {
	initPodCache       bool // pods verified
	initEndpointsCache bool // false with noendpoints
	multicluster       bool // watch ServiceImports
	podNames           bool // keep endpoint target pod names
	labelSelector      string
	nsLabelSelector    string
	namespaces         map[string]struct{} // only these, when not empty
}

// controller keeps the trimmed cluster state that DNS answers need, fed by
// one informer per watched resource.
type controller struct {
	client kubernetes.Interface
	dyn    dynamic.Interface
	opts   controlOpts

	svc, eps, pod, ns, imp *store
	svcIdx                 *serviceIndex
	epsIdx                 *sliceIndex
	podIdx                 *podIndex

	informers []cache.Controller

	// modified and extModified are the unix times of the last change of
	// the data served in the cluster zones and under k8s_external.
	modified    atomic.Int64
	extModified atomic.Int64

	cancel  context.CancelFunc
	started sync.Once
	done    sync.WaitGroup
}

func newController(client kubernetes.Interface, dyn dynamic.Interface, opts controlOpts) *controller {
	c := &controller{client: client, dyn: dyn, opts: opts}
	c.svcIdx = &serviceIndex{byIP: multiIndex[string, *object.Service]{}, byExtIP: multiIndex[string, *object.Service]{}}
	c.epsIdx = &sliceIndex{
		byService: multiIndex[object.Key, *object.EndpointSlice]{},
		byImport:  multiIndex[object.Key, *object.EndpointSlice]{},
		byIP:      multiIndex[string, *object.EndpointSlice]{},
	}
	c.podIdx = &podIndex{byIP: multiIndex[string, *object.Pod]{}}

	keep := c.keepNamespace
	c.svc = newStore(c.svcIdx)
	c.svc.keep, c.svc.changed = keep, c.serviceChanged
	c.eps = newStore(c.epsIdx)
	c.eps.keep, c.eps.changed = keep, c.sliceChanged
	c.pod = newStore(c.podIdx)
	c.pod.keep = keep
	c.ns = newStore(nil)
	c.ns.keep, c.ns.changed = c.keepNamespaceObject, c.touch
	c.imp = newStore(nil)
	c.imp.keep, c.imp.changed = keep, c.touch

	now := time.Now().Unix()
	c.modified.Store(now)
	c.extModified.Store(now)

	c.informers = append(c.informers,
		c.informer(listWatch(client, c.opts.labelSelector,
			func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return client.CoreV1().Services(api.NamespaceAll).List(ctx, o)
			},
			func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				return client.CoreV1().Services(api.NamespaceAll).Watch(ctx, o)
			}), &api.Service{}, c.svc, object.ToService),
		c.informer(listWatch(client, c.opts.nsLabelSelector,
			func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return client.CoreV1().Namespaces().List(ctx, o)
			},
			func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				return client.CoreV1().Namespaces().Watch(ctx, o)
			}), &api.Namespace{}, c.ns, object.ToNamespace),
	)
	if opts.initEndpointsCache {
		c.informers = append(c.informers, c.informer(listWatch(client, c.opts.labelSelector,
			func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return client.DiscoveryV1().EndpointSlices(api.NamespaceAll).List(ctx, o)
			},
			func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				return client.DiscoveryV1().EndpointSlices(api.NamespaceAll).Watch(ctx, o)
			}), &discovery.EndpointSlice{}, c.eps, object.EndpointSliceTransform(opts.podNames)))
	}
	if opts.initPodCache {
		c.informers = append(c.informers, c.informer(listWatch(client, c.opts.labelSelector,
			func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return client.CoreV1().Pods(api.NamespaceAll).List(ctx, o)
			},
			func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				return client.CoreV1().Pods(api.NamespaceAll).Watch(ctx, o)
			}), &api.Pod{}, c.pod, object.ToPod))
	}
	if opts.multicluster && dyn != nil {
		res := dyn.Resource(object.ServiceImportResource)
		c.informers = append(c.informers, c.informer(listWatch(dyn, "",
			func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
				return res.Namespace(api.NamespaceAll).List(ctx, o)
			},
			func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
				return res.Namespace(api.NamespaceAll).Watch(ctx, o)
			}), &unstructured.Unstructured{}, c.imp, object.ToServiceImport))
	}
	return c
}

// listWatch returns the ListerWatcher of one resource, with the label
// selector applied on the server side.
func listWatch(client any, selector string,
	list func(context.Context, metav1.ListOptions) (runtime.Object, error),
	watchFn func(context.Context, metav1.ListOptions) (watch.Interface, error)) cache.ListerWatcher {
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = selector
			return list(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = selector
			return watchFn(ctx, o)
		},
	}
	return cache.ToListWatcherWithWatchListSemantics(lw, client)
}

// informer builds the list/watch loop that feeds s with trimmed objects.
func (c *controller) informer(lw cache.ListerWatcher, example runtime.Object, s *store, transform cache.TransformFunc) cache.Controller {
	fifo := cache.NewRealFIFOWithOptions(cache.RealFIFOOptions{
		KeyFunction:  object.KeyFunc,
		KnownObjects: s,
		Transformer:  transform,
	})
	return cache.New(&cache.Config{
		Queue:         fifo,
		ListerWatcher: lw,
		ObjectType:    example,
		Process:       s.process,
		WatchErrorHandlerWithContext: func(ctx context.Context, _ *cache.Reflector, err error) {
			if ctx.Err() == nil {
				log.Warningf("Watch of %T ended: %v; resuming", example, err)
			}
		},
	})
}

// Run starts the informers; Stop ends them.
func (c *controller) Run() {
	c.started.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		c.cancel = cancel
		for _, inf := range c.informers {
			c.done.Add(1)
			go func(inf cache.Controller) {
				defer c.done.Done()
				inf.RunWithContext(ctx)
			}(inf)
		}
	})
}

// Stop ends the informers and waits for them.
func (c *controller) Stop() {
	if c.cancel != nil {
		c.cancel()
		c.done.Wait()
	}
}

// HasSynced reports whether every informer has delivered its initial list.
func (c *controller) HasSynced() bool {
	for _, inf := range c.informers {
		if !inf.HasSynced() {
			return false
		}
	}
	return true
}

// Modified returns the unix time of the last change of the cluster data
// (external: of the data under k8s_external).
func (c *controller) Modified(external bool) int64 {
	if external {
		return c.extModified.Load()
	}
	return c.modified.Load()
}

func (c *controller) configuredNamespace(ns string) bool {
	if len(c.opts.namespaces) == 0 {
		return true
	}
	_, ok := c.opts.namespaces[ns]
	return ok
}

func (c *controller) keepNamespace(o object.Keyed) bool {
	return c.configuredNamespace(o.ObjectKey().Namespace)
}

func (c *controller) keepNamespaceObject(o object.Keyed) bool {
	return c.configuredNamespace(o.ObjectKey().Name)
}

func (c *controller) touch(_, _ object.Keyed, _ bool) {
	c.modified.Store(time.Now().Unix())
}

func (c *controller) serviceChanged(old, new object.Keyed, _ bool) {
	var o, n *object.Service
	if old != nil {
		o = old.(*object.Service)
	}
	if new != nil {
		n = new.(*object.Service)
	}
	if o != nil && n != nil && o.Equal(n) {
		return
	}
	now := time.Now().Unix()
	c.modified.Store(now)
	if (o != nil && len(o.ExternalIPs) > 0) || (n != nil && len(n.ExternalIPs) > 0) {
		c.extModified.Store(now)
	}
}

func (c *controller) sliceChanged(old, new object.Keyed, initial bool) {
	var o, n *object.EndpointSlice
	if old != nil {
		o = old.(*object.EndpointSlice)
	}
	if new != nil {
		n = new.(*object.EndpointSlice)
	}
	if o != nil && n != nil && o.Equal(n) {
		return
	}
	now := time.Now()
	c.modified.Store(now.Unix())
	c.extModified.Store(now.Unix())
	if n != nil && !initial && !n.MultiCluster {
		if svc := c.service(n.ServiceKey()); svc != nil {
			object.RecordProgrammingLatency(n, svc.Kind(), now)
		}
	}
}
