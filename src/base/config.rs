//! One pattern for every configuration value: the [`config!`] macro.
//!
//! A configuration (hyperparameters, training length, …) is a plain `Clone + Debug` value with
//! public fields whose defaults are written once, beside the field, and a `#[must_use]` builder
//! method per field, so that `config.batch_size(32);` (the result dropped) is a warning, not a
//! silent no-op. Checking the values is the config's own `validate`, called once before use.

/// Declares a configuration struct: each field with its doc, its type, its default, the type
/// its setter takes (converted with `Into`) and an example value for the setter's doctest.
///
/// ```text
/// config! {
///     /// Docs of the struct.
///     #[derive(Clone, Copy, Debug, PartialEq)]
///     pub struct AdamConfig in "ndnet::AdamConfig::default()" {
///         /// The learning rate α.
///         learning_rate: f64 = 0.001, set f64, e.g. 0.01 => 0.01;
///     }
/// }
/// ```
///
/// It writes the struct (`#[non_exhaustive]`, public fields), its `Default` and, per field, a
/// method `field(self, value) -> Self` marked `#[must_use]`, documented with the field's doc and
/// a doctest that starts from the expression after `in`.
macro_rules! config {
    (
        $(#[$attr:meta])*
        pub struct $name:ident in $base:literal {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr, set $arg:ty, e.g. $example:expr => $expected:expr;
            )*
        }
    ) => {
        $(#[$attr])*
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    $($field: $default,)*
                }
            }
        }

        impl $name {
            $(
                #[doc = concat!("The same configuration with `", stringify!($field), "` set:")]
                #[doc = ""]
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!(
                    "```\nlet config = ", $base, ".", stringify!($field), "(", stringify!($example), ");\n",
                    "assert_eq!(config.", stringify!($field), ", ", stringify!($expected), ");\n```"
                )]
                #[must_use]
                pub fn $field(mut self, value: $arg) -> Self {
                    self.$field = value.into();
                    self
                }
            )*
        }
    };
}

pub(crate) use config;
