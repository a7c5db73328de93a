//! Where each output lives: the URL rules shared by planning, views and
//! feeds, kept apart so none of them has to import another for a path.

/// `/thoi-su/x/` -> `thoi-su/x/index.html`.
pub fn output_file(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// Path of page `n` of a list whose first page is at `base` (`/tags/x/`).
pub fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

pub fn date_path(year: i16, month: Option<i8>, day: Option<i8>) -> String {
    match (month, day) {
        (Some(m), Some(d)) => format!("/{year:04}/{m:02}/{d:02}/"),
        (Some(m), None) => format!("/{year:04}/{m:02}/"),
        _ => format!("/{year:04}/"),
    }
}

/// `tin-cu/x` -> `/tin-cu/x/`; a full URL keeps only its path.
pub fn normalize_alias(alias: &str) -> String {
    let path = match alias.find("://") {
        Some(i) => alias[i + 3..]
            .find('/')
            .map_or("/", |j| &alias[i + 3 + j..]),
        None => alias,
    };
    let segs: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    if segs.is_empty() {
        return "/".into();
    }
    let last = segs[segs.len() - 1];
    if last.contains('.') {
        format!("/{}", segs.join("/"))
    } else {
        format!("/{}/", segs.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_paths_to_files() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/thoi-su/x/"), "thoi-su/x/index.html");
        assert_eq!(output_file("/404.html"), "404.html");
        assert_eq!(page_path("/tags/x/", 1), "/tags/x/");
        assert_eq!(page_path("/tags/x/", 3), "/tags/x/page/3/");
        assert_eq!(date_path(2024, Some(3), None), "/2024/03/");
        assert_eq!(date_path(2024, Some(3), Some(9)), "/2024/03/09/");
    }

    #[test]
    fn normalizes_aliases() {
        assert_eq!(normalize_alias("tin-cu/x"), "/tin-cu/x/");
        assert_eq!(normalize_alias("https://a.vn/b/../c.html"), "/b/c.html");
        assert_eq!(normalize_alias("https://a.vn"), "/");
    }
}
