package msg

import (
	"encoding/json"
	"testing"
)

func TestServiceJSON(t *testing.T) {
	in := `{"host":"10.0.0.1","port":8080,"priority":10,"weight":20,"text":"t","mail":true,"ttl":60,"targetstrip":1,"group":"g"}`
	var s Service
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	want := Service{Host: "10.0.0.1", Port: 8080, Priority: 10, Weight: 20, Text: "t", Mail: true, TTL: 60, TargetStrip: 1, Group: "g"}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
	s.Key = "/skydns/x"
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("marshalled %s, want %s (Key must not be stored)", out, in)
	}
	if out, _ := json.Marshal(Service{Host: "a"}); string(out) != `{"host":"a"}` {
		t.Errorf("empty fields not omitted: %s", out)
	}
}
