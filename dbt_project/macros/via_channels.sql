{#
  Zendesk via types (and the two via ids whose meaning is certain: 0 web form, 4 email) mapped
  to closedloop's channels, as the Zendesk connector maps a ticket's via.channel
  (closedloop/ingest/connectors.py, ZENDESK_CHANNELS). Used to evaluate SLA policy conditions
  on via_id; Zendesk's via types reference lists the ids.
#}
{% macro via_channels() -%}
    {{ return({
        'web_form': 'in_app', 'web': 'in_app', '0': 'in_app', 'mobile_sdk': 'in_app', 'mobile': 'in_app',
        'mail': 'email', 'email': 'email', '4': 'email',
        'chat': 'chat', 'native_messaging': 'chat',
        'twitter': 'social', 'facebook': 'social', 'instagram_dm': 'social', 'whatsapp': 'social',
        'voice': 'phone'
    }) }}
{%- endmacro %}

{#- SQL: the closedloop channel of a via type or id held in expression, else null. -#}
{% macro via_channel(expression) -%}
    case lower({{ expression }})
    {%- for via, channel in via_channels().items() %}
        when '{{ via }}' then '{{ channel }}'
    {%- endfor %}
    end
{%- endmacro %}
