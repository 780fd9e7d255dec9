//! The target the checked code is built for: page size, page orders, kmalloc size
//! classes, kernel version. Every number is a named field with its source; `Default` is
//! Linux 6.1 on x86_64 (4 KiB pages, SLUB). Overridable through [`crate::Options`].
//!
//! Sources (Debian linux-source-6.1 unless noted): `arch/x86/include/asm/page_types.h`
//! (PAGE_SHIFT), `include/linux/mmzone.h` (MAX_ORDER, PAGE_ALLOC_COSTLY_ORDER),
//! `include/linux/slab.h` (KMALLOC_SHIFT_HIGH/MAX, KMALLOC_MAX_SIZE), `mm/slab_common.c`
//! (`kmalloc_info[]`, `kmalloc_size_index[]`), `mm/util.c` (`kvmalloc_node`).

/// kmalloc size classes on x86_64 with SLUB (KMALLOC_MIN_SIZE 8, so the 96 and 192
/// byte caches exist): `mm/slab_common.c` `kmalloc_info[]`, up to KMALLOC_MAX_CACHE_SIZE.
pub const KMALLOC_CLASSES_X86_64: &[u64] = &[
    8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Kernel version (major, minor): selects version-dependent semantics (kvmalloc).
    pub kernel_version: (u32, u32),
    /// `PAGE_SHIFT` 12 (4 KiB pages): `arch/x86/include/asm/page_types.h`.
    pub page_shift: u32,
    /// Largest valid page order, inclusive. 6.1: `#define MAX_ORDER 11` is one past the
    /// largest order (exclusive), so 10; 6.4+ `MAX_ORDER`/6.8+ `MAX_PAGE_ORDER` 10 is
    /// inclusive; 5.4: `MAX_ORDER 11` exclusive, so 10 as well. `include/linux/mmzone.h`.
    pub max_page_order: u32,
    /// `PAGE_ALLOC_COSTLY_ORDER` 3: "the order at which allocations are deemed costly";
    /// larger requests may fail under fragmentation. `include/linux/mmzone.h`.
    pub costly_order: u32,
    /// kmalloc caches, ascending; the last is KMALLOC_MAX_CACHE_SIZE
    /// (`1 << (PAGE_SHIFT + 1)` = 8 KiB for SLUB, `include/linux/slab.h`). Larger
    /// requests go to the page allocator, rounded up to a power-of-two number of pages.
    pub kmalloc_classes: Vec<u64>,
    /// `KMALLOC_MAX_SIZE` = `1UL << (MAX_ORDER + PAGE_SHIFT - 1)` = 4 MiB
    /// (`include/linux/slab.h`): larger kmalloc requests always fail.
    pub kmalloc_max_size: u64,
    /// Size of a pointer and of `long` (LP64).
    pub pointer_size: u64,
    /// Bytes devres adds before a `devm_kmalloc()` object: `sizeof(struct devres)`
    /// in `drivers/base/devres.c` (list_head 16 + release 8 + name 8 + size 8, data
    /// aligned to ARCH_KMALLOC_MINALIGN 8) = 40 on x86-64 (6.1–6.12), so
    /// `devm_kmalloc(dev, n)` takes the kmalloc class of `n + 40`.
    pub devres_header: u64,
    /// `L1_CACHE_BYTES` (`____cacheline_aligned`): 64 (CONFIG_X86_L1_CACHE_SHIFT=6,
    /// the x86-64 generic and Debian value).
    pub l1_cache_bytes: u64,
    /// The kernel configuration's enabled symbols (`CONFIG_FOO` for `=y` and `=m`),
    /// when one is given: struct members under `#ifdef CONFIG_…` are then laid out
    /// for it; without one, such a struct's layout is unknown.
    pub kconfig: Option<std::sync::Arc<std::collections::BTreeSet<String>>>,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            kernel_version: (6, 1),
            page_shift: 12,
            max_page_order: 10,
            costly_order: 3,
            kmalloc_classes: KMALLOC_CLASSES_X86_64.to_vec(),
            kmalloc_max_size: 4 << 20,
            pointer_size: 8,
            devres_header: 40,
            l1_cache_bytes: 64,
            kconfig: None,
        }
    }
}

impl Target {
    /// The default target with the values a configuration overrides: page size (a
    /// power of two), largest page order (inclusive), kernel version `major.minor`.
    /// Derived limits follow the kernel's definitions: KMALLOC_MAX_CACHE_SIZE is two
    /// pages, KMALLOC_MAX_SIZE is `1 << (max order + PAGE_SHIFT)`.
    pub fn configured(
        page_size: Option<u64>,
        max_order: Option<u32>,
        version: Option<&str>,
    ) -> Target {
        let mut t = Target::default();
        if let Some(v) = version {
            let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
            if let (Some(Some(major)), Some(Some(minor))) = (parts.next(), parts.next()) {
                t.kernel_version = (major, minor);
            }
        }
        t.with_pages(page_size, max_order)
    }

    /// This target with another page size and largest page order (each when given),
    /// and the limits derived from them.
    pub fn with_pages(&self, page_size: Option<u64>, max_order: Option<u32>) -> Target {
        let mut t = self.clone();
        if let Some(size) = page_size.filter(|s| s.is_power_of_two() && *s >= 4096) {
            t.page_shift = size.trailing_zeros();
        }
        if let Some(order) = max_order {
            t.max_page_order = order;
        }
        let cache_max = 2u64 << t.page_shift;
        t.kmalloc_classes = [8u64, 16, 32, 64, 96, 128, 192]
            .into_iter()
            .chain((8..=t.page_shift + 1).map(|s| 1u64 << s))
            .filter(|&c| c <= cache_max)
            .collect();
        t.kmalloc_classes.sort_unstable();
        t.kmalloc_classes.dedup();
        t.kmalloc_max_size = 1u64
            .checked_shl(t.max_page_order + t.page_shift)
            .unwrap_or(u64::MAX);
        t
    }
}

/// Where a kmalloc request of a given size is served from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// A slab cache of this object size (`kmalloc-192`).
    Slab(u64),
    /// The page allocator, at this order (`__kmalloc_large_node`: `get_order(size)`).
    Pages { order: u32, bytes: u64 },
    /// Above KMALLOC_MAX_SIZE: the request fails.
    TooLarge,
}

impl Bucket {
    /// Bytes actually reserved, if the request can succeed.
    pub fn bytes(self) -> Option<u64> {
        match self {
            Bucket::Slab(b) | Bucket::Pages { bytes: b, .. } => Some(b),
            Bucket::TooLarge => None,
        }
    }
}

/// Preprocessor symbols fixed by the x86-64 target (little endian, 64-bit), for
/// struct members under `#ifdef`: (symbol, defined).
const ARCH_SYMBOLS: &[(&str, bool)] = &[
    ("__LITTLE_ENDIAN_BITFIELD", true),
    ("__BIG_ENDIAN_BITFIELD", false),
    ("__LITTLE_ENDIAN", true),
    ("__BIG_ENDIAN", false),
    ("CONFIG_64BIT", true),
    ("CONFIG_X86_64", true),
    ("CONFIG_X86_32", false),
    ("CONFIG_X86", true),
    ("CONFIG_CPU_BIG_ENDIAN", false),
    ("__KERNEL__", true),
];

impl Target {
    /// Whether a preprocessor symbol is defined for this target: the architecture's
    /// own, then the configuration's `CONFIG_` symbols when one is given (`_MODULE`
    /// variants for `=m`). `None` when not known.
    pub fn symbol_defined(&self, name: &str) -> Option<bool> {
        // `?CONFIG_X`: IS_ENABLED(CONFIG_X), built in or a module.
        if let Some(sym) = name.strip_prefix('?') {
            let builtin = self.symbol_defined(sym)?;
            let module = self
                .symbol_defined(&format!("{sym}_MODULE"))
                .unwrap_or(false);
            return Some(builtin || module);
        }
        if let Some((_, d)) = ARCH_SYMBOLS.iter().find(|(n, _)| *n == name) {
            return Some(*d);
        }
        let config = self.kconfig.as_ref()?;
        name.starts_with("CONFIG_").then(|| config.contains(name))
    }

    /// The enabled symbols of a `.config` text (`CONFIG_X=y` → `CONFIG_X`; `=m` →
    /// `CONFIG_X_MODULE`, as `autoconf.h` defines them).
    pub fn parse_kconfig(text: &str) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for line in text.lines() {
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            if !name.starts_with("CONFIG_") {
                continue;
            }
            match value.trim() {
                "y" => {
                    out.insert(name.to_string());
                }
                "m" => {
                    out.insert(format!("{name}_MODULE"));
                }
                "n" => {}
                // Strings and numbers: defined.
                _ => {
                    out.insert(name.to_string());
                }
            }
        }
        out
    }

    pub fn page_size(&self) -> u64 {
        1u64 << self.page_shift
    }

    /// The value of the `MAX_ORDER` macro: one past the largest order before 6.4
    /// (exclusive), the largest order from 6.4 (inclusive; renamed MAX_PAGE_ORDER in 6.8).
    pub fn max_order_macro(&self) -> u32 {
        if self.kernel_version < (6, 4) {
            self.max_page_order + 1
        } else {
            self.max_page_order
        }
    }

    /// KMALLOC_MAX_CACHE_SIZE: the largest slab-served kmalloc size.
    pub fn kmalloc_max_cache_size(&self) -> u64 {
        self.kmalloc_classes.last().copied().unwrap_or(0)
    }

    /// `get_order(size)`: the smallest order whose block holds `size` bytes.
    pub fn get_order(&self, size: u64) -> u32 {
        let pages = size.saturating_sub(1) >> self.page_shift;
        if pages == 0 {
            0
        } else {
            64 - pages.leading_zeros()
        }
    }

    /// Bytes in a block of `order` pages (saturating).
    pub fn order_bytes(&self, order: u32) -> u64 {
        1u64.checked_shl(order + self.page_shift)
            .unwrap_or(u64::MAX)
    }

    /// The kmalloc bucket of a request of `size` bytes (`size` > 0).
    pub fn kmalloc_bucket(&self, size: u64) -> Bucket {
        if size > self.kmalloc_max_size {
            return Bucket::TooLarge;
        }
        if let Some(&class) = self.kmalloc_classes.iter().find(|&&c| c >= size) {
            return Bucket::Slab(class);
        }
        let order = self.get_order(size);
        Bucket::Pages {
            order,
            bytes: self.order_bytes(order),
        }
    }

    /// Whether kvmalloc with flags that cannot sleep never falls back to vmalloc: up to
    /// 5.17 non-GFP_KERNEL flags meant plain kmalloc; 6.1–6.12 `kvmalloc_node` returns
    /// NULL after kmalloc fails ("non-sleeping allocations are not supported by
    /// vmalloc", `mm/util.c`). Later kernels may carry the 2025 non-blocking vmalloc
    /// series, so say nothing for them.
    pub fn kvmalloc_nonblocking_is_kmalloc(&self) -> bool {
        self.kernel_version <= (6, 12)
    }
}

/// Waste of a kmalloc request: (bucket bytes, wasted bytes, waste per mille of the
/// request), as the book's `ksize()` demo measures it (relative to the request).
pub fn waste(size: u64, bucket: u64) -> (u64, u64) {
    let wasted = bucket.saturating_sub(size);
    let permille = if size == 0 {
        0
    } else {
        ((wasted as u128 * 1000 + size as u128 / 2) / size as u128) as u64
    };
    (wasted, permille)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slab_class_rounding() {
        let t = Target::default();
        assert_eq!(t.kmalloc_bucket(1), Bucket::Slab(8));
        assert_eq!(t.kmalloc_bucket(100), Bucket::Slab(128));
        assert_eq!(t.kmalloc_bucket(129), Bucket::Slab(192));
        assert_eq!(t.kmalloc_bucket(193), Bucket::Slab(256));
        assert_eq!(t.kmalloc_bucket(4097), Bucket::Slab(8192));
        assert_eq!(t.kmalloc_bucket(8192), Bucket::Slab(8192));
        assert_eq!(
            t.kmalloc_bucket(8193),
            Bucket::Pages {
                order: 2,
                bytes: 16384
            }
        );
        assert_eq!(
            t.kmalloc_bucket(200_100),
            Bucket::Pages {
                order: 6,
                bytes: 262_144
            }
        );
        assert_eq!(
            t.kmalloc_bucket(4 << 20),
            Bucket::Pages {
                order: 10,
                bytes: 4 << 20
            }
        );
        assert_eq!(t.kmalloc_bucket((4 << 20) + 1), Bucket::TooLarge);
        assert_eq!(waste(4100, 8192), (4092, 998));
        assert_eq!(waste(200_100, 262_144), (62_044, 310));
        assert_eq!(waste(100, 128), (28, 280));
    }

    #[test]
    fn orders() {
        let t = Target::default();
        assert_eq!(t.get_order(1), 0);
        assert_eq!(t.get_order(4096), 0);
        assert_eq!(t.get_order(4097), 1);
        assert_eq!(t.get_order(32768), 3);
        assert_eq!(t.get_order(32769), 4);
        assert_eq!(t.order_bytes(3), 32768);
        assert!(t.kvmalloc_nonblocking_is_kmalloc());
    }
}

#[cfg(test)]
mod configured_tests {
    use super::*;

    #[test]
    fn preprocessor_symbols() {
        let mut t = Target::default();
        assert_eq!(t.symbol_defined("__LITTLE_ENDIAN_BITFIELD"), Some(true));
        assert_eq!(t.symbol_defined("CONFIG_FOO"), None);
        t.kconfig = Some(std::sync::Arc::new(Target::parse_kconfig(
            "CONFIG_FOO=y\nCONFIG_BAR=m\n# CONFIG_BAZ is not set\nCONFIG_N=\"x\"\n",
        )));
        assert_eq!(t.symbol_defined("CONFIG_FOO"), Some(true));
        assert_eq!(t.symbol_defined("CONFIG_BAR"), Some(false));
        assert_eq!(t.symbol_defined("?CONFIG_BAR"), Some(true));
        assert_eq!(t.symbol_defined("CONFIG_BAZ"), Some(false));
        assert_eq!(t.symbol_defined("CONFIG_N"), Some(true));
        assert_eq!(t.symbol_defined("SOMETHING_ELSE"), None);
    }

    #[test]
    fn configured_defaults_match_the_default_target() {
        assert_eq!(Target::configured(None, None, None), Target::default());
        let t = Target::configured(Some(16384), Some(11), Some("6.12"));
        assert_eq!(t.page_shift, 14);
        assert_eq!(*t.kmalloc_classes.last().unwrap(), 32768);
        assert_eq!(t.kmalloc_max_size, 1 << 25);
        assert_eq!(t.kernel_version, (6, 12));
    }
}
