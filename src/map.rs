//! An inline SVG world map, drawn at build time: the countries' outlines and,
//! over them, marks sized by a count that link somewhere.
//!
//! Owns the projection (Natural Earth I: the formula `tools/world/generate.py`
//! used for the outlines committed in `map/outlines.rs`, so marks and
//! outlines line up) and the map's markup. It knows nothing of sites, pages,
//! URLs or templates: callers hand it marks with finished labels and hrefs.
//! Those are user content, so it escapes every piece of text, and links no
//! href whose scheme is other than http, https or mailto. The output is one
//! `<svg>` element with no JavaScript and no external resources, styled by
//! presentation attributes that CSS can override (classes `world-map`,
//! `sphere`, `land`, `marks`, `mark`), and the same marks and title always
//! give the same bytes, in whatever order the marks come.

use std::fmt::Write as _;

use crate::xml::escape;

#[rustfmt::skip]
mod outlines;

pub use outlines::{HEIGHT, WIDTH};

/// The radius of the mark of a count of 1 (or 0).
pub const MIN_RADIUS: f64 = 2.5;
/// The radius no mark exceeds (reached at a count of 73).
pub const MAX_RADIUS: f64 = 14.0;

/// A mark on the map: a circle at a place, sized by `count`, that links to
/// `href` and is labelled "`label` (`count`)".
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub lon: f64,
    pub lat: f64,
    pub count: usize,
    pub label: String,
    pub href: String,
}

/// The point of the viewBox (`0 0 WIDTH HEIGHT`, y down) where a longitude
/// and latitude in degrees fall. Longitudes wrap around, latitudes stop at
/// the poles.
pub fn project(lon: f64, lat: f64) -> (f64, f64) {
    let lon = if (-180.0..=180.0).contains(&lon) {
        lon
    } else {
        (lon + 180.0).rem_euclid(360.0) - 180.0
    };
    let (lambda, phi) = (lon.to_radians(), lat.clamp(-90.0, 90.0).to_radians());
    let phi2 = phi * phi;
    let phi4 = phi2 * phi2;
    let x = lambda
        * (0.8707 - 0.131979 * phi2
            + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)));
    let y = phi
        * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)));
    (
        WIDTH / 2.0 + outlines::SCALE * x,
        HEIGHT / 2.0 - outlines::SCALE * y,
    )
}

/// The SVG path (`d`) of a country's outline in the viewBox, by alpha-2
/// code in any case; `None` for a country too small for the map's scale.
pub fn outline(alpha2: &str) -> Option<&'static str> {
    let code = alpha2.trim().to_ascii_uppercase();
    let at = outlines::OUTLINES
        .binary_search_by(|(c, _)| c.cmp(&code.as_str()))
        .ok()?;
    Some(outlines::OUTLINES[at].1)
}

/// The radius of the mark of `count`: it grows with the square root of the
/// count, from [`MIN_RADIUS`] to [`MAX_RADIUS`].
pub fn mark_radius(count: usize) -> f64 {
    (1.0 + 1.5 * (count as f64).sqrt()).clamp(MIN_RADIUS, MAX_RADIUS)
}

/// The world map as one `<svg>` element: `marks` drawn over the countries'
/// outlines, largest first so small ones stay clickable; `title` labels the
/// SVG for assistive technology. Marks whose coordinates are not finite are
/// left out.
pub fn world_svg(marks: &[Mark], title: &str) -> String {
    let mut order: Vec<&Mark> = marks
        .iter()
        .filter(|m| m.lon.is_finite() && m.lat.is_finite())
        .collect();
    order.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.href.cmp(&b.href))
            .then_with(|| a.lon.total_cmp(&b.lon))
            .then_with(|| a.lat.total_cmp(&b.lat))
    });
    let id = title_id(title, &order);
    let land_bytes: usize = outlines::OUTLINES.iter().map(|(_, d)| d.len() + 12).sum();
    let mut svg = String::with_capacity(land_bytes + 1536 + order.len() * 220);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="world-map" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" aria-labelledby="{id}"><title id="{id}">{}</title>"##,
        escape(title)
    );
    let _ = write!(
        svg,
        r##"<path class="sphere" aria-hidden="true" fill="#eef3f8" d="{}"/>"##,
        outlines::SPHERE
    );
    svg.push_str(
        r##"<g class="land" aria-hidden="true" fill="#cfd6de" stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round">"##,
    );
    for (_, d) in &outlines::OUTLINES {
        let _ = write!(svg, r#"<path d="{d}"/>"#);
    }
    svg.push_str("</g>");
    if !order.is_empty() {
        svg.push_str(
            r##"<g class="marks" fill="#b03a2e" fill-opacity="0.75" stroke="#ffffff" stroke-width="0.75">"##,
        );
        for mark in order {
            let (x, y) = project(mark.lon, mark.lat);
            let name = escape(&format!("{} ({})", mark.label, mark.count));
            let circle = format!(
                r#"<circle cx="{}" cy="{}" r="{}"/>"#,
                number(x),
                number(y),
                number(mark_radius(mark.count))
            );
            let _ = if linkable(&mark.href) {
                write!(
                    svg,
                    r#"<a class="mark" href="{}" aria-label="{name}"><title>{name}</title>{circle}</a>"#,
                    escape(&mark.href)
                )
            } else {
                write!(
                    svg,
                    r#"<g class="mark" role="img" aria-label="{name}"><title>{name}</title>{circle}</g>"#
                )
            };
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// Whether `href` may be a link: not empty, and relative or with the scheme
/// http, https or mailto (never javascript: or data:). The scheme is read
/// as browsers read it: leading spaces and control characters skipped, tabs
/// and newlines ignored, in any case.
fn linkable(href: &str) -> bool {
    let href = href.trim_start_matches(|c: char| c <= ' ');
    if href.trim_end_matches(|c: char| c <= ' ').is_empty() {
        return false;
    }
    let mut scheme = String::new();
    for c in href.chars() {
        match c {
            '\t' | '\n' | '\r' => {}
            ':' => {
                let scheme = scheme.to_ascii_lowercase();
                return matches!(scheme.as_str(), "http" | "https" | "mailto");
            }
            '/' | '?' | '#' => return true,
            c => scheme.push(c),
        }
    }
    true
}

/// An id for the map's `<title>`, the same for the same title and marks,
/// so that two different maps on one page don't share one.
fn title_id(title: &str, marks: &[&Mark]) -> String {
    // FNV-1a, 64 bits: stable across builds and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes.iter().chain(&[0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(title.as_bytes());
    for m in marks {
        feed(m.label.as_bytes());
        feed(m.href.as_bytes());
        feed(&(m.count as u64).to_le_bytes());
        feed(&m.lon.to_bits().to_le_bytes());
        feed(&m.lat.to_bits().to_le_bytes());
    }
    format!("world-map-{hash:016x}")
}

/// A coordinate to one decimal, without a trailing ".0" or a "-0".
fn number(v: f64) -> String {
    let tenths = (v * 10.0).round();
    if tenths == 0.0 {
        "0".to_string()
    } else if tenths % 10.0 == 0.0 {
        format!("{}", tenths / 10.0)
    } else {
        format!("{:.1}", tenths / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world;

    type Ring = Vec<(f64, f64)>;

    /// The rings of a path written with M, L, l and z/Z, as
    /// `tools/world/generate.py` writes them.
    fn rings(d: &str) -> Vec<Ring> {
        let mut out: Vec<Ring> = Vec::new();
        let mut command = 'M';
        let mut numbers: Vec<f64> = Vec::new();
        let mut at = (0.0, 0.0);
        let bytes = d.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphabetic() {
                command = b as char;
                if command == 'z' || command == 'Z' {
                    if let Some(ring) = out.last() {
                        at = ring[0];
                    }
                }
                i += 1;
            } else if b == b' ' || b == b',' {
                i += 1;
            } else {
                let start = i;
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                numbers.push(d[start..i].parse().expect("a number"));
                if numbers.len() == 2 {
                    let (a, b) = (numbers[0], numbers[1]);
                    numbers.clear();
                    match command {
                        'M' => {
                            at = (a, b);
                            out.push(vec![at]);
                            command = 'L';
                        }
                        'L' => at = (a, b),
                        'l' => at = (at.0 + a, at.1 + b),
                        other => panic!("unexpected command {other}"),
                    }
                    if command != 'M' && out.last().is_some_and(|r| r.last() != Some(&at)) {
                        out.last_mut().expect("a ring").push(at);
                    }
                }
            }
        }
        out
    }

    fn bbox(rings: &[Ring]) -> (f64, f64, f64, f64) {
        let points = rings.iter().flatten();
        points.fold(
            (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(x0, y0, x1, y1), &(x, y)| (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
        )
    }

    fn in_bbox((x, y): (f64, f64), rings: &[Ring], slack: f64) -> bool {
        let (x0, y0, x1, y1) = bbox(rings);
        x0 - slack <= x && x <= x1 + slack && y0 - slack <= y && y <= y1 + slack
    }

    /// Even-odd over all rings, as a fill would cover it.
    fn inside((x, y): (f64, f64), rings: &[Ring]) -> bool {
        let mut inside = false;
        for ring in rings {
            let mut j = ring.len() - 1;
            for i in 0..ring.len() {
                let ((xi, yi), (xj, yj)) = (ring[i], ring[j]);
                if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                    inside = !inside;
                }
                j = i;
            }
        }
        inside
    }

    fn country_rings(code: &str) -> Vec<Ring> {
        rings(outline(code).unwrap_or_else(|| panic!("no outline for {code}")))
    }

    #[test]
    fn marks_fall_on_their_countries() {
        let beijing = project(116.397, 39.907);
        assert!(in_bbox(beijing, &country_rings("CN"), 0.0), "{beijing:?}");
        let washington = project(-77.036, 38.895);
        assert!(
            in_bbox(washington, &country_rings("US"), 0.0),
            "{washington:?}"
        );
        // Inland capitals fall inside the outline itself.
        let capitals = [
            ("CN", 116.397, 39.907),
            ("RU", 37.618, 55.751),
            ("FR", 2.349, 48.853),
            ("DE", 13.405, 52.524),
            ("ES", -3.704, 40.417),
            ("TR", 32.854, 39.920),
            ("IR", 51.421, 35.694),
            ("IN", 77.209, 28.614),
            ("BR", -47.930, -15.780),
            ("AU", 149.128, -35.283),
            ("KE", 36.817, -1.283),
            ("MX", -99.127, 19.428),
            ("US", -104.990, 39.739),
            ("CA", -97.147, 49.884),
        ];
        for (code, lon, lat) in capitals {
            let at = project(lon, lat);
            assert!(inside(at, &country_rings(code)), "{code}: {at:?}");
        }
        // Outlines follow the borders the UN recognizes where Natural Earth
        // draws a whole polygon for another country (generate.py says which).
        let simferopol = project(34.1, 44.95);
        assert!(inside(simferopol, &country_rings("UA")));
        assert!(!inside(simferopol, &country_rings("RU")));
        let nicosia_north = project(33.6, 35.3);
        assert!(inside(nicosia_north, &country_rings("CY")));
        // And not inside their neighbours.
        assert!(!inside(project(2.349, 48.853), &country_rings("DE")));
        assert!(!inside(project(116.397, 39.907), &country_rings("MN")));
        assert!(!inside(project(-104.990, 39.739), &country_rings("CA")));
    }

    #[test]
    fn country_labels_fall_on_their_outlines() {
        for c in world::countries() {
            let Some(d) = outline(c.alpha2) else { continue };
            let at = project(f64::from(c.label.0), f64::from(c.label.1));
            let rings = rings(d);
            assert!(in_bbox(at, &rings, 1.0), "{}: {at:?}", c.alpha2);
        }
    }

    #[test]
    fn no_outline_crosses_the_map() {
        // Rings that cross the antimeridian (Russia, Fiji, Antarctica) are
        // cut there: no edge runs across the map, but for the pole's line
        // (Antarctica's southern edge).
        for (code, d) in &outlines::OUTLINES {
            for ring in rings(d) {
                let closed = ring.iter().zip(ring.iter().cycle().skip(1));
                for (a, b) in closed {
                    let pole = a.1 == b.1 && (a.1 == 0.0 || a.1 == HEIGHT);
                    assert!(
                        pole || (a.0 - b.0).abs() < WIDTH / 4.0,
                        "{code}: {a:?} to {b:?}"
                    );
                }
                for &(x, y) in &ring {
                    assert!((0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y));
                }
            }
        }
    }

    #[test]
    fn projection_matches_the_generators() {
        // The sphere's outline was projected by generate.py: each of its
        // points is where `project` puts ±180° at some latitude.
        let sphere = rings(outlines::SPHERE);
        assert_eq!(sphere.len(), 1);
        for &(x, y) in &sphere[0] {
            let close = (-90..=90).step_by(2).any(|lat| {
                [-180.0, 180.0].iter().any(|&lon| {
                    let (px, py) = project(lon, f64::from(lat));
                    (px - x).abs() <= 0.051 && (py - y).abs() <= 0.051
                })
            });
            assert!(close, "sphere point {x},{y}");
        }
    }

    #[test]
    fn every_longitude_and_latitude_is_inside_the_view_box() {
        for lat in (-90..=90).step_by(5) {
            for lon in [-180.0, -179.9, 0.0, 179.9, 180.0] {
                let (x, y) = project(lon, f64::from(lat));
                assert!((0.0..=WIDTH).contains(&x), "{lon},{lat}: x {x}");
                assert!((0.0..=HEIGHT).contains(&y), "{lon},{lat}: y {y}");
            }
        }
        let (x, y) = project(0.0, 0.0);
        assert!((x - WIDTH / 2.0).abs() < 1e-9 && (y - HEIGHT / 2.0).abs() < 1e-9);
        let (west, _) = project(-180.0, 0.0);
        let (east, _) = project(180.0, 0.0);
        assert!(west.abs() < 1e-6 && (east - WIDTH).abs() < 1e-6);
        // Out of range: wraps around, stops at the poles.
        let (a, b) = (project(190.0, 10.0), project(-170.0, 10.0));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
        assert_eq!(project(10.0, 100.0), project(10.0, 90.0));
        assert_eq!(project(10.0, -91.0), project(10.0, -90.0));
    }

    fn mark(lon: f64, lat: f64, count: usize, label: &str, href: &str) -> Mark {
        Mark {
            lon,
            lat,
            count,
            label: label.to_string(),
            href: href.to_string(),
        }
    }

    fn sample() -> Vec<Mark> {
        vec![
            mark(116.397, 39.907, 3, "Beijing", "/places/cn/beijing/"),
            mark(-77.036, 38.895, 40, "Washington", "/places/us/washington/"),
            mark(6.146, 46.202, 1, "Geneva", "/places/ch/geneva/"),
            mark(6.146, 46.202, 1, "Geneva talks", "/places/ch/geneva/talks/"),
            mark(37.618, 55.751, 12, "Moscow", "https://example.org/moscow"),
        ]
    }

    #[test]
    fn the_svg_is_well_formed_accessible_and_ordered() {
        let svg = world_svg(&sample(), "Where the exchanges took place");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("viewBox"), Some("0 0 1000 520"));
        assert_eq!(root.attribute("class"), Some("world-map"));
        assert!(root.attribute("role").is_none());
        let id = root.attribute("aria-labelledby").expect("labelled");
        let title = root.first_element_child().expect("a title");
        assert_eq!(title.tag_name().name(), "title");
        assert_eq!(title.attribute("id"), Some(id));
        assert_eq!(title.text(), Some("Where the exchanges took place"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(!svg.contains("<script") && !svg.contains("xlink") && !svg.contains("url("));

        let land = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("land"))
            .expect("land");
        assert!(land.children().filter(|n| n.has_tag_name("path")).count() > 150);

        let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        let labels: Vec<_> = links.iter().map(|a| a.attribute("aria-label")).collect();
        assert_eq!(
            labels,
            [
                Some("Washington (40)"),
                Some("Moscow (12)"),
                Some("Beijing (3)"),
                Some("Geneva (1)"),
                Some("Geneva talks (1)"),
            ]
        );
        let radii: Vec<f64> = links
            .iter()
            .map(|a| {
                let circle = a.children().find(|n| n.has_tag_name("circle"));
                let r = circle.and_then(|c| c.attribute("r"));
                r.and_then(|r| r.parse().ok()).unwrap_or(0.0)
            })
            .collect();
        assert!(radii.windows(2).all(|w| w[0] >= w[1]), "{radii:?}");
        for a in &links {
            assert_eq!(a.attribute("class"), Some("mark"));
            let tip = a.children().find(|n| n.has_tag_name("title"));
            assert_eq!(tip.and_then(|t| t.text()), a.attribute("aria-label"));
        }
    }

    #[test]
    fn mark_radius_grows_with_the_square_root_and_is_clamped() {
        assert_eq!(mark_radius(0), MIN_RADIUS);
        assert_eq!(mark_radius(1), MIN_RADIUS);
        assert_eq!(mark_radius(4), 4.0);
        assert_eq!(mark_radius(16), 7.0);
        assert_eq!(mark_radius(1_000_000), MAX_RADIUS);
        assert_eq!(mark_radius(usize::MAX), MAX_RADIUS);
        let radii: Vec<f64> = (0..200).map(mark_radius).collect();
        assert!(radii.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn hostile_labels_and_hrefs_are_escaped_or_not_linked() {
        let label = "\"><script>alert('x')</script>&amp; <b>\u{1}";
        let href = "/p?a=1&b=\"2\"' onmouseover='alert(1)'><x>";
        let title = "Map </title><script>x</script> & 'co'";
        let marks = [
            mark(0.0, 0.0, 2, label, href),
            mark(10.0, 10.0, 1, "js", "javascript:alert(1)"),
            mark(11.0, 11.0, 1, "js2", " \u{1}JaVa\tScRiPt:alert(1)"),
            mark(
                12.0,
                12.0,
                1,
                "data",
                "data:text/html,<script>alert(1)</script>",
            ),
            mark(13.0, 13.0, 1, "vb", "vbscript:x"),
            mark(14.0, 14.0, 1, "empty", "  "),
            mark(15.0, 15.0, 1, "mail", "MAILTO:a@example.org"),
            mark(16.0, 16.0, 1, "rel", "../a:b/"),
        ];
        let svg = world_svg(&marks, title);
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<x>"));
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let title_el = doc.descendants().find(|n| n.has_tag_name("title"));
        assert_eq!(title_el.and_then(|t| t.text()), Some(title));
        let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        let hrefs: Vec<_> = links.iter().filter_map(|a| a.attribute("href")).collect();
        assert_eq!(hrefs, [href, "MAILTO:a@example.org", "../a:b/"]);
        // The forbidden control character is dropped, the rest kept as text.
        let expected = "\"><script>alert('x')</script>&amp; <b> (2)";
        assert_eq!(links[0].attribute("aria-label"), Some(expected));
        assert_eq!(links[0].attributes().count(), 3, "no injected attribute");
        // Unlinked marks are still drawn and named.
        let unlinked: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("mark"))
            .filter_map(|g| g.attribute("aria-label"))
            .collect();
        assert_eq!(
            unlinked,
            ["data (1)", "empty (1)", "js (1)", "js2 (1)", "vb (1)"]
        );
    }

    #[test]
    fn output_is_deterministic_whatever_the_order_of_marks() {
        let marks = sample();
        let a = world_svg(&marks, "Places");
        assert_eq!(a, world_svg(&marks, "Places"));
        let mut reversed = marks.clone();
        reversed.reverse();
        assert_eq!(a, world_svg(&reversed, "Places"));
        // Different maps get different title ids.
        let id = |svg: &str| {
            let doc = roxmltree::Document::parse(svg).expect("XML");
            doc.root_element()
                .attribute("aria-labelledby")
                .map(str::to_string)
        };
        assert_ne!(id(&a), id(&world_svg(&marks, "Other places")));
        assert_ne!(id(&a), id(&world_svg(&marks[1..], "Places")));
    }

    #[test]
    fn odd_marks_are_handled() {
        let marks = [
            mark(f64::NAN, 0.0, 1, "nan", "/a/"),
            mark(0.0, f64::INFINITY, 1, "inf", "/b/"),
            mark(540.0, 95.0, 0, "far", "/c/"),
            mark(-180.0, -90.0, 1, "corner", "/d/"),
        ];
        let svg = world_svg(&marks, "");
        let doc = roxmltree::Document::parse(&svg).expect("XML");
        let labels: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .filter_map(|a| a.attribute("aria-label"))
            .collect();
        assert_eq!(labels, ["corner (1)", "far (0)"]);
        for circle in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            let x: f64 = circle
                .attribute("cx")
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1.0);
            let y: f64 = circle
                .attribute("cy")
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1.0);
            assert!((0.0..=WIDTH).contains(&x) && (0.0..=HEIGHT).contains(&y));
        }
        // No marks: the map alone, without an empty group.
        assert!(!world_svg(&[], "Empty").contains("class=\"marks\""));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(0.04), "0");
        assert_eq!(number(-0.04), "0");
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.34), "12.3");
        assert_eq!(number(-3.96), "-4");
        assert_eq!(number(999.95), "1000");
    }

    #[test]
    fn outline_data_stays_within_budget() {
        let bytes: usize = outlines::OUTLINES.iter().map(|(_, d)| d.len()).sum();
        assert!(bytes < 60_000, "{bytes} bytes of outlines");
        let svg = world_svg(&[], "World");
        assert!(svg.len() < 64 * 1024, "{} bytes of map", svg.len());
    }

    /// Countries in `world` without an outline: too small for Natural
    /// Earth's 1:110m countries (or, for GF, part of France's outline).
    const WITHOUT_OUTLINE: [&str; 75] = [
        "AD", "AG", "AI", "AS", "AW", "AX", "BB", "BH", "BL", "BM", "BQ", "BV", "CC", "CK", "CV",
        "CW", "CX", "DM", "FM", "FO", "GD", "GF", "GG", "GI", "GP", "GS", "GU", "HK", "HM", "IM",
        "IO", "JE", "KI", "KM", "KN", "KY", "LC", "LI", "MC", "MF", "MH", "MO", "MP", "MQ", "MS",
        "MT", "MU", "MV", "NF", "NR", "NU", "PF", "PM", "PN", "PW", "RE", "SC", "SG", "SH", "SJ",
        "SM", "ST", "SX", "TC", "TK", "TO", "TV", "UM", "VA", "VC", "VG", "VI", "WF", "WS", "YT",
    ];

    #[test]
    fn every_country_of_the_atlas_has_an_outline() {
        let without: Vec<&str> = world::countries()
            .iter()
            .map(|c| c.alpha2)
            .filter(|code| outline(code).is_none())
            .collect();
        assert_eq!(without, WITHOUT_OUTLINE);
        assert!(outlines::OUTLINES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, d) in &outlines::OUTLINES {
            assert!(world::country(code).is_some(), "{code}");
            assert!(!rings(d).is_empty(), "{code}");
        }
        assert_eq!(outline("cn"), outline("CN"));
        assert_eq!(outline(" fr "), outline("FR"));
        assert_eq!(outline(""), None);
        assert_eq!(outline("ZZ"), None);
    }
}
