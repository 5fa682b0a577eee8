//! The file loaders, each behind the cargo feature of the format it reads: every size a file
//! claims is checked against the [memory limit](crate::memory_limit) before it is allocated,
//! and every error names the file. `locate` finds the real data sets (`NDNET_DATA`).

#[cfg(feature = "hdf5")]
mod cat;
#[cfg(feature = "hdf5")]
mod h5_images;
#[cfg(feature = "mnist")]
mod idx;
#[cfg(feature = "image")]
mod image_folder;
#[cfg(feature = "image")]
mod images;
mod locate;
#[cfg(feature = "mnist")]
mod mnist;

#[cfg(feature = "hdf5")]
pub use cat::{CatSplit, load_cat_h5, load_catvnoncat};
#[cfg(feature = "hdf5")]
pub use h5_images::load_h5_images;
#[cfg(feature = "image")]
pub use image_folder::load_image_folder;
#[cfg(feature = "image")]
pub use images::load_image;
pub use locate::{data_dir, require_file};
#[cfg(feature = "mnist")]
pub use mnist::{Mnist, load_mnist, read_idx_images, read_idx_labels};
