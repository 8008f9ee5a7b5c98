package geoip

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/coredns/coredns/plugin/metadata"

	"github.com/oschwald/geoip2-golang/v2"
)

// Metadata labels, as published to other plugins.
const (
	labelCityName      = "geoip/city/name"
	labelCountryCode   = "geoip/country/code"
	labelCountryName   = "geoip/country/name"
	labelCountryInEU   = "geoip/country/is_in_european_union"
	labelContinentCode = "geoip/continent/code"
	labelContinentName = "geoip/continent/name"
	labelLatitude      = "geoip/latitude"
	labelLongitude     = "geoip/longitude"
	labelTimezone      = "geoip/timezone"
	labelPostalCode    = "geoip/postalcode"
	labelSubdivisions  = "geoip/subdivisions/code"
	labelASNNumber     = "geoip/asn/number"
	labelASNOrg        = "geoip/asn/org"
)

// lookup is the per-query state: the address and, once a label is read, the
// records found for it. A failed lookup leaves empty records, so every label
// reads as its zero value.
type lookup struct {
	db   *geoip2.Reader
	addr netip.Addr

	cityOnce sync.Once
	cityRec  *geoip2.City
	asnOnce  sync.Once
	asnRec   *geoip2.ASN
}

func (l *lookup) city() *geoip2.City {
	l.cityOnce.Do(func() {
		c, err := l.db.City(l.addr)
		if err != nil || c == nil {
			log.Debugf("City lookup of %s failed: %v", l.addr, err)
			c = &geoip2.City{}
		}
		l.cityRec = c
	})
	return l.cityRec
}

func (l *lookup) asn() *geoip2.ASN {
	l.asnOnce.Do(func() {
		a, err := l.db.ASN(l.addr)
		if err != nil || a == nil {
			log.Debugf("ASN lookup of %s failed: %v", l.addr, err)
			a = &geoip2.ASN{}
		}
		l.asnRec = a
	})
	return l.asnRec
}

// setCityLabels registers the labels of the city schema (City, Country and
// Enterprise databases).
func (l *lookup) setCityLabels(ctx context.Context) {
	metadata.SetValueFunc(ctx, labelCityName, func() string { return l.city().City.Names.English })
	metadata.SetValueFunc(ctx, labelCountryCode, func() string { return l.city().Country.ISOCode })
	metadata.SetValueFunc(ctx, labelCountryName, func() string { return l.city().Country.Names.English })
	metadata.SetValueFunc(ctx, labelCountryInEU, func() string { return strconv.FormatBool(l.city().Country.IsInEuropeanUnion) })
	metadata.SetValueFunc(ctx, labelContinentCode, func() string { return l.city().Continent.Code })
	metadata.SetValueFunc(ctx, labelContinentName, func() string { return l.city().Continent.Names.English })
	metadata.SetValueFunc(ctx, labelLatitude, func() string { return formatFloat(l.city().Location.Latitude) })
	metadata.SetValueFunc(ctx, labelLongitude, func() string { return formatFloat(l.city().Location.Longitude) })
	metadata.SetValueFunc(ctx, labelTimezone, func() string { return l.city().Location.TimeZone })
	metadata.SetValueFunc(ctx, labelPostalCode, func() string { return l.city().Postal.Code })
	metadata.SetValueFunc(ctx, labelSubdivisions, func() string { return subdivisionCodes(l.city().Subdivisions) })
}

// setASNLabels registers the labels of the asn schema (ASN and ISP
// databases).
func (l *lookup) setASNLabels(ctx context.Context) {
	metadata.SetValueFunc(ctx, labelASNNumber, func() string {
		return strconv.FormatUint(uint64(l.asn().AutonomousSystemNumber), 10)
	})
	metadata.SetValueFunc(ctx, labelASNOrg, func() string { return l.asn().AutonomousSystemOrganization })
}

// formatFloat writes f in base 10 with as many digits as it needs; a value
// missing from the database reads as "".
func formatFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// subdivisionCodes joins the ISO 3166-2 codes, largest subdivision first,
// with commas.
func subdivisionCodes(subs []geoip2.CitySubdivision) string {
	switch len(subs) {
	case 0:
		return ""
	case 1:
		return subs[0].ISOCode
	}
	var b strings.Builder
	for i, s := range subs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s.ISOCode)
	}
	return b.String()
}
