"""WeasyPrint's layout of one HTML document, its page numbers set afterwards.

The print PDF is laid out chapter by chapter (pdf.PrintLayout), each chapter an HTML document of
its own, while later notebooks still run. The running footer's page number and page total are
known only once every chapter is laid out, and WeasyPrint makes a page's margin boxes at the end
of its own layout; here they are made again with the numbers the whole report gives them. These are
the steps of WeasyPrint's ``Document._render`` (internals: pyproject.toml pins WeasyPrint 70.x).
Its images are encoded for the PDF in a second thread while the rest is laid out and drawn
(`encode_images`, WeasyPrint's own RasterImage.get_x_object). tests/test_pdf_layout.py holds the
result, byte for byte, against WeasyPrint's own render of the same pages as one document.
"""

from __future__ import annotations


class LaidOut:
    """One HTML document laid out in pages, as ``HTML(...).render()`` lays it out; `number`
    gives its pages their place in a longer document."""

    def __init__(self, document: str, stylesheets: list, font_config, base_url: str, variant: str):
        # WeasyPrint is imported where it is used: the import takes a second, which the report
        # spends in the background while the first notebooks run (build._preload)
        from weasyprint import DEFAULT_OPTIONS, HTML
        from weasyprint.css.counters import CounterStyle
        from weasyprint.document import Document, Page
        from weasyprint.formatting_structure.build import build_formatting_structure
        from weasyprint.layout import layout_document
        from weasyprint.pdf import VARIANTS

        self.html = HTML(string=document, base_url=base_url)
        options = dict(DEFAULT_OPTIONS, stylesheets=stylesheets, pdf_variant=variant, pdf_tags=True)
        _, properties = VARIANTS[variant]
        for key, value in tuple(options.items()):  # the variant's defaults, as _render sets them
            if value is None and key in properties:
                options[key] = properties[key]
        self.output_intent = options["output_intent"]
        counter_style = CounterStyle()
        self.context = Document._build_layout_context(
            self.html, font_config, counter_style, {}, options
        )
        root = build_formatting_structure(
            self.html.etree_element,
            self.context.style_for,
            self.context.get_image_from_uri,
            self.html.base_url,
            self.context.target_collector,
            counter_style,
            self.context.footnotes,
        )
        self.pages = [Page(box) for box in layout_document(self.html, root, self.context)]

    def encode_images(self, pool) -> None:
        """Encode the pages' raster images for the PDF in `pool`, a thread beside the layout and
        drawing (Pillow's decoding and encoding leave the interpreter free); write_pdf takes the
        result when it asks for the image as drawn here, and encodes it itself otherwise."""
        from weasyprint.formatting_structure import boxes
        from weasyprint.images import RasterImage

        images = {}
        for page in self.pages:
            for box in page._page_box.descendants():
                if isinstance(box, boxes.ReplacedBox) and isinstance(box.replacement, RasterImage):
                    # as write_pdf asks for it: interpolated as RasterImage.draw decides, dpi
                    # ratio 1 (write_pdf's `dpi` option is not set)
                    images[id(box.replacement)] = box.replacement, box.style["image_rendering"]
        for image, rendering in images.values():
            _encode_in(pool, image, rendering == "auto")

    def number(self, first: int, total: int) -> list:
        """The pages with their margin boxes made again: page numbers from `first`, of `total`."""
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.background import layout_box_backgrounds
        from weasyprint.layout.page import make_margin_boxes

        for number, page in enumerate(self.pages, start=1):
            box = page._page_box
            quote_depth, counters, scopes, groups = self.context.page_maker[number][3]
            counters = {**counters, "page": [first + number - 1], "pages": [total]}
            self.context.current_page = number
            margins = tuple(
                make_margin_boxes(self.context, box, (quote_depth, counters, scopes, groups))
            )
            for margin in margins:
                layout_box_backgrounds(box, margin, self.context.get_image_from_uri)
            kept = tuple(child for child in box.children if not isinstance(child, boxes.MarginBox))
            box.children = kept + margins
        return self.pages


def document(pages: list, first: LaidOut, font_config):
    """Pages of several LaidOut documents as one WeasyPrint Document, with the metadata of `first`
    (title, language, dates), ready for ``write_pdf``."""
    from weasyprint.document import Document, DocumentMetadata
    from weasyprint.html import get_html_metadata

    return Document(
        pages,
        DocumentMetadata(**get_html_metadata(first.html)),
        first.html.url_fetcher,
        font_config,
        {},
        first.output_intent,
    )


def _encode_in(pool, image, interpolate: bool) -> None:
    """WeasyPrint's encoding of `image` for the PDF (RasterImage.get_x_object), done in `pool`;
    the image's get_x_object returns that result once, when asked with the same arguments (and
    is WeasyPrint's own again after the first call)."""
    own = type(image).get_x_object
    if "get_x_object" in vars(image):
        return  # an encoding is waiting already
    future = pool.submit(own, image, interpolate, 1)

    def get_x_object(*args, **kwargs):
        vars(image).pop("get_x_object", None)
        if args == (interpolate, 1) and not kwargs:
            return future.result()
        return own(image, *args, **kwargs)

    image.get_x_object = get_x_object
