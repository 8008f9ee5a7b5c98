package response

import "fmt"

// Class is a coarse grouping of response Types.
type Class int

const (
	// All matches every class.
	All Class = iota
	// Success is a positive answer or a referral.
	Success
	// Denial is NXDOMAIN or NODATA.
	Denial
	// Error is a server or other error.
	Error
)

var classToString = [...]string{
	All:     "all",
	Success: "success",
	Denial:  "denial",
	Error:   "error",
}

// String returns the lower case name of c, or "" for an unknown Class.
func (c Class) String() string {
	if c < 0 || int(c) >= len(classToString) {
		return ""
	}
	return classToString[c]
}

// ClassFromString returns the Class named by s (as produced by Class.String).
func ClassFromString(s string) (Class, error) {
	for c, name := range classToString {
		if name == s {
			return Class(c), nil
		}
	}
	return All, fmt.Errorf("invalid Class: %s", s)
}

// Classify maps t onto its Class. Meta and Update messages are not an
// answer, a denial or an error, so they map to All.
func Classify(t Type) Class {
	switch t {
	case NoError, Delegation:
		return Success
	case NameError, NoData:
		return Denial
	case ServerError, OtherError:
		return Error
	}
	return All
}
