//! Paginated lists: `?page=1&per_page=50` in, `{items, page, per_page, total}` out.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

pub const MAX_PER_PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (default 1).
    pub page: Option<u32>,
    /// Items per page, 1 to 500 (default 50).
    pub per_page: Option<u32>,
}

/// One page of a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// Items in the whole list.
    pub total: u64,
}

impl PageParams {
    /// `(page, per_page)`, checked.
    pub fn resolve(self) -> Result<(u32, u32), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page == 0 || per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(ApiError::bad_request(format!(
                "page starts at 1 and per_page is 1 to {MAX_PER_PAGE}"
            )));
        }
        Ok((page, per_page))
    }

    /// The page of `all`.
    pub fn slice<T>(self, all: Vec<T>) -> Result<Page<T>, ApiError> {
        let (page, per_page) = self.resolve()?;
        let total = all.len() as u64;
        let skip = (page as usize - 1).saturating_mul(per_page as usize);
        let items = all.into_iter().skip(skip).take(per_page as usize).collect();
        Ok(Page {
            items,
            page,
            per_page,
            total,
        })
    }
}
