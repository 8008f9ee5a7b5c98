// Package apiservertest is a small in-process Kubernetes API server for
// tests: it serves list and watch (including the watch-list streaming form
// client-go uses by default) of Namespaces, Services, EndpointSlices, Pods
// and MCS ServiceImports from an in-memory object set, lets tests change
// the objects, and can drop every open watch so that clients must resume.
package apiservertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

// resource describes one served collection.
type resource struct {
	path, apiVersion, kind string
}

var resources = []resource{
	{"/api/v1/namespaces", "v1", "Namespace"},
	{"/api/v1/services", "v1", "Service"},
	{"/api/v1/pods", "v1", "Pod"},
	{"/apis/discovery.k8s.io/v1/endpointslices", "discovery.k8s.io/v1", "EndpointSlice"},
	{"/apis/multicluster.x-k8s.io/v1alpha1/serviceimports", "multicluster.x-k8s.io/v1alpha1", "ServiceImport"},
}

func resourceOf(obj runtime.Object) resource {
	switch o := obj.(type) {
	case *api.Namespace:
		return resources[0]
	case *api.Service:
		return resources[1]
	case *api.Pod:
		return resources[2]
	case *discovery.EndpointSlice:
		return resources[3]
	case *unstructured.Unstructured:
		_ = o
		return resources[4]
	}
	panic("apiservertest: unsupported object type")
}

type event struct {
	typ string
	rv  int
	obj runtime.Object
}

// Server is the fake API server.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	rv      int
	objects map[string]map[string]runtime.Object // path -> namespace/name -> object
	events  map[string][]event
	notify  chan struct{} // closed on every change
	drop    chan struct{} // closed to end every open watch
	closed  bool
	watches int // watch requests served, for tests
}

// New starts a server holding objs.
func New(objs ...runtime.Object) *Server {
	s := &Server{
		objects: map[string]map[string]runtime.Object{},
		events:  map[string][]event{},
		notify:  make(chan struct{}),
		drop:    make(chan struct{}),
	}
	for _, r := range resources {
		s.objects[r.path] = map[string]runtime.Object{}
	}
	for _, o := range objs {
		s.Add(o)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close ends every watch and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.drop)
	}
	s.mu.Unlock()
	s.Server.Close()
}

// Kubeconfig writes a kubeconfig for the server into dir and returns its path.
func (s *Server) Kubeconfig(dir string) (string, error) {
	path := filepath.Join(dir, "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: " + s.URL +
		"\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: test\ncurrent-context: test\nusers:\n- name: test\n  user: {}\n"
	return path, os.WriteFile(path, []byte(cfg), 0o600)
}

// Add stores a new object.
func (s *Server) Add(obj runtime.Object) { s.change("ADDED", obj) }

// Update replaces an object.
func (s *Server) Update(obj runtime.Object) { s.change("MODIFIED", obj) }

// Delete removes an object.
func (s *Server) Delete(obj runtime.Object) { s.change("DELETED", obj) }

// DropWatches ends every open watch; clients reconnect and resume.
func (s *Server) DropWatches() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		close(s.drop)
		s.drop = make(chan struct{})
	}
}

// Watches returns how many watch requests the server has served.
func (s *Server) Watches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watches
}

func (s *Server) change(typ string, obj runtime.Object) {
	obj = obj.DeepCopyObject()
	r := resourceOf(obj)
	m, err := meta.Accessor(obj)
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rv++
	m.SetResourceVersion(strconv.Itoa(s.rv))
	setKind(obj, r)
	key := m.GetNamespace() + "/" + m.GetName()
	if typ == "DELETED" {
		delete(s.objects[r.path], key)
	} else {
		s.objects[r.path][key] = obj
	}
	s.events[r.path] = append(s.events[r.path], event{typ: typ, rv: s.rv, obj: obj})
	close(s.notify)
	s.notify = make(chan struct{})
}

func setKind(obj runtime.Object, r resource) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.SetAPIVersion(r.apiVersion)
		u.SetKind(r.kind)
		return
	}
	if t, err := meta.TypeAccessor(obj); err == nil {
		t.SetAPIVersion(r.apiVersion)
		t.SetKind(r.kind)
	}
}

func (s *Server) serve(w http.ResponseWriter, req *http.Request) {
	var res *resource
	for i := range resources {
		if resources[i].path == req.URL.Path {
			res = &resources[i]
		}
	}
	if res == nil || req.Method != http.MethodGet {
		http.NotFound(w, req)
		return
	}
	q := req.URL.Query()
	sel, err := labels.Parse(q.Get("labelSelector"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if q.Get("watch") == "true" || q.Get("watch") == "1" {
		s.watch(w, req, res, sel)
		return
	}
	s.list(w, res, sel)
}

func (s *Server) list(w http.ResponseWriter, res *resource, sel labels.Selector) {
	s.mu.Lock()
	items := []runtime.Object{}
	for _, o := range s.objects[res.path] {
		if matches(o, sel) {
			items = append(items, o)
		}
	}
	rv := s.rv
	s.mu.Unlock()
	out := map[string]any{
		"apiVersion": res.apiVersion,
		"kind":       res.kind + "List",
		"metadata":   map[string]any{"resourceVersion": strconv.Itoa(rv)},
		"items":      items,
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out) //nolint:errcheck // test server
}

func matches(o runtime.Object, sel labels.Selector) bool {
	m, err := meta.Accessor(o)
	return err == nil && sel.Matches(labels.Set(m.GetLabels()))
}

func (s *Server) watch(w http.ResponseWriter, req *http.Request, res *resource, sel labels.Selector) {
	flusher, _ := w.(http.Flusher)
	q := req.URL.Query()
	timeout := 5 * time.Minute
	if t, err := strconv.Atoi(q.Get("timeoutSeconds")); err == nil && t > 0 {
		timeout = time.Duration(t) * time.Second
	}
	deadline := time.After(timeout)

	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	send := func(typ string, obj any) bool {
		if err := enc.Encode(map[string]any{"type": typ, "object": obj}); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}

	s.mu.Lock()
	s.watches++
	sent, _ := strconv.Atoi(q.Get("resourceVersion"))
	var initial []runtime.Object
	initialEvents := q.Get("sendInitialEvents") == "true"
	if initialEvents {
		for _, o := range s.objects[res.path] {
			if matches(o, sel) {
				initial = append(initial, o)
			}
		}
		sent = s.rv
	}
	s.mu.Unlock()

	if initialEvents {
		for _, o := range initial {
			if !send("ADDED", o) {
				return
			}
		}
		bookmark := map[string]any{
			"apiVersion": res.apiVersion, "kind": res.kind,
			"metadata": map[string]any{
				"resourceVersion": strconv.Itoa(sent),
				"annotations":     map[string]string{"k8s.io/initial-events-end": "true"},
			},
		}
		if !send("BOOKMARK", bookmark) {
			return
		}
	}

	for {
		s.mu.Lock()
		var pending []event
		for _, e := range s.events[res.path] {
			if e.rv > sent && matches(e.obj, sel) {
				pending = append(pending, e)
			}
		}
		notify, drop := s.notify, s.drop
		s.mu.Unlock()
		for _, e := range pending {
			if !send(e.typ, e.obj) {
				return
			}
			sent = e.rv
		}
		select {
		case <-notify:
		case <-drop:
			return
		case <-deadline:
			return
		case <-req.Context().Done():
			return
		}
	}
}
